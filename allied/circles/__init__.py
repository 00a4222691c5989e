"""Mentoring circles: groups of mentees giving each other peer support alongside one-to-one
mentoring, formed diverse and workable by `allied.core.circles`, with their sessions, notes,
attendance and check-ins, and warnings when a circle session clashes with a one-to-one meeting."""
