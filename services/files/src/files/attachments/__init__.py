"""Attachments: files on a client profile or a service form, their metadata and objects."""
