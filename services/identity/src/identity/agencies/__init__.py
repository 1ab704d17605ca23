"""Agencies: created by a platform admin together with their first agency admin."""
