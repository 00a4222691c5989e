"""Helpers every app shares that need no person, model or page: refusals, OpenAPI pieces,
one-time form keys and links in emails. The lowest layer above `allied.core`."""
