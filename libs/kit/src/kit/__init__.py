"""OCMS kit: settings, logging, database, errors, auth, messaging, health, metrics.

The kit knows no concrete event or service; services compose it in their own
`create_app(settings=None)`.
"""
