"""The agency admin's view of authentication and staff-administration events."""
