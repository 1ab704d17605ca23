"""Support services one client received in one session (childminding, transportation,
disability provisions, translation and interpretation, crisis counselling)."""
