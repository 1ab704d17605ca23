"""Funders and the funding agreements of an agency's programs."""
