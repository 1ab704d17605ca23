"""Integration events: one module per producing service, pydantic only."""
