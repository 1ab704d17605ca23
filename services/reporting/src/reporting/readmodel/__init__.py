"""The read model: every service's events, kept as reporting's own tables (`rpt_*`)."""
