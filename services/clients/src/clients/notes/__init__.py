"""Notes on a client: author, time, program, private flag."""
