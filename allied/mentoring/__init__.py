"""Mentoring: the relationship from request to end review (agreement on the four questions,
meetings, goals, sponsorship, reviews, concerns, endings), career outcomes, leaving, reminders
and calendar files, and each person's next steps; on the programme's models (decision 0019)."""
