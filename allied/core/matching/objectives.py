"""The objectives a cohort can be matched under; a module of its own so that the command line
can offer them without importing NumPy or OR-Tools."""

OBJECTIVES = ("max-total", "fair", "stable")
