"""Service-form definitions as data: `from sessions.forms import catalog`."""

from sessions.forms import catalog

__all__ = ["catalog"]
