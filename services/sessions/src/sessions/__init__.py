"""OCMS sessions: the when/where/who of a service, and the service forms filled in it."""
