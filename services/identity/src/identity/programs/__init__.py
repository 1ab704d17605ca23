"""Programs of an agency (Settlement Services, Employment Services...)."""
