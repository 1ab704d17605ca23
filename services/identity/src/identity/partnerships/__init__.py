"""Trusted partnerships between agencies: propose, accept, decline, revoke."""
