"""A client's audit trail for managers and admins: who viewed or changed this client."""
