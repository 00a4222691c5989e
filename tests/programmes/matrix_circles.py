"""The circles area's rows of the access matrix (see tests/programmes/matrix.py)."""

PAGES: dict = {}
PLACES: dict = {}
API: dict = {}
