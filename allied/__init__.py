"""Allied: inclusive mentoring programmes and NGT consensus workshops."""
