"""OCMS gateway: the single entry in front of every service."""
