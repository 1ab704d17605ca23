"""Merging two profiles of one person, and undoing it."""
