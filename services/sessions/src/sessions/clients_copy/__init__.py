"""What sessions keeps of clients' profiles: enough to know a client id is real."""
