"""Agency-specific questions on the client profile: the agency's versioned question set
(defined by its admin with `libs/forms`) and each client's answers to it."""
