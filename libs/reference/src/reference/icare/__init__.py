"""iCARE template descriptions: `from reference.icare import catalog`."""

from reference.icare import catalog
from reference.icare.model import (
    Condition,
    Field,
    Template,
    UnknownFieldError,
    UnknownTemplateError,
)

__all__ = ["Condition", "Field", "Template", "UnknownFieldError", "UnknownTemplateError", "catalog"]
