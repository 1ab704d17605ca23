"""Every table reporting owns, imported in one place for Alembic and the tests."""

__all__: list[str] = []
