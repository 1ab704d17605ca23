"""The change history of a profile: who changed which fields, when (never the values)."""
