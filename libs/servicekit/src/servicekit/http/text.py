"""Constraints every text input shares."""

# Text without NUL characters, which PostgreSQL can neither store nor compare: a request
# carrying one is a 422 naming the field, not a 500.
NO_NUL = r"^[^\x00]*$"
