"""OCMS files: attachments on client profiles and service forms, in S3-compatible storage."""
