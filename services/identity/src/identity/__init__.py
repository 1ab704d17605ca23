"""OCMS identity: agencies, programs, staff, roles, funders, partnerships, login, MFA, JWKS."""
