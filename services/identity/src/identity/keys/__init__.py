"""Token signing keys: creation, rotation, JWKS (`python -m identity.keys rotate`)."""
