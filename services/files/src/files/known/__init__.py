"""What files knows of other services' records: clients and service forms (local copies
kept from their events, for existence and visibility checks)."""
