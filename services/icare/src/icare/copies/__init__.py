"""Local copies of what icare exports (event-carried state): agencies, staff, programs,
funding agreements, client profiles and recorded services."""
