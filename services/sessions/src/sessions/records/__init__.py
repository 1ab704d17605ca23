"""Sessions: the when/where/who of a service, and who may see them."""
