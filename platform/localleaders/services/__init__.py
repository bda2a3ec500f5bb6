"""Use cases. Each takes a Session and keyword arguments, and raises domain errors."""
