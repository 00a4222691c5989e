"""Matching mentees with mentors: draft runs, proposals, swaps, publishing, shortlists and
requests, on the programme's models (decision 0019) and the engine in `allied.core.matching`."""
