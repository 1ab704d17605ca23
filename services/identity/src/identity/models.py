"""Every table identity owns, imported in one place for Alembic and the tests."""

from identity.agencies.models import Agency
from identity.auth.models import LoginSession, LoginThrottle, PasswordToken
from identity.funding.models import Funder, FundingAgreement, FundingAgreementProgram
from identity.keys.models import SigningKey
from identity.partnerships.models import Partnership
from identity.programs.models import Program
from identity.staff.models import ProgramMembership, User

__all__ = [
    "Agency",
    "Funder",
    "FundingAgreement",
    "FundingAgreementProgram",
    "LoginSession",
    "LoginThrottle",
    "Partnership",
    "PasswordToken",
    "Program",
    "ProgramMembership",
    "SigningKey",
    "User",
]
