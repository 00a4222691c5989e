"""The framework-free heart of Allied.

Nothing under this package may import Django: it takes plain values and frozen dataclasses
and returns plain values, so it can be tested, benchmarked and used from the command line
without a database or settings.
"""
