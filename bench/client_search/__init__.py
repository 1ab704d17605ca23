"""Client search benchmark: synthetic clients and a pure-Python key micro-benchmark."""
