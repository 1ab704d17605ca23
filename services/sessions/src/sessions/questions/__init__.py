"""The agency's own questions on a service form (the model of the client profile's)."""
