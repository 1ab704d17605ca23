"""Every table icare owns, imported in one place for Alembic and the tests."""

__all__: list[str] = []
