"""Sign-in: sessions, service tokens, throttling, TOTP, password change and reset."""
