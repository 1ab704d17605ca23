"""Local copies of identity's staff and programs (event-carried state), for display."""
