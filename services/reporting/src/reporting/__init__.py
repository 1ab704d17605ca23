"""OCMS reporting: a read model of every service's events and the reports on it."""
