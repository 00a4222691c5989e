"""The demo workshop: a draft NGT workshop on the study's four questions."""

from __future__ import annotations

from allied.accounts.models import Organisation, User
from allied.workshops.models import Question, StaffRole, Workshop, WorkshopStaff

TITLE = "What matters in mentoring for black and minoritised allied health professionals (demo)"
QUESTIONS = [
    "What do you consider is important in mentoring?",
    "What do you consider is important in mentoring discussions on race and racism?",
    "What do you consider is important for mentoring circles?",
    "What do you consider is important for allyship in the mentoring process?",
]
BRIEFING = (
    "Thank you for joining this workshop. Earlier work (a scoping review, a survey and focus "
    "groups) found that mentoring can help black and minoritised staff progress, but only when "
    "mentors understand race and racism, mentees have a say in who mentors them, and mentoring "
    "is supported by the organisation.\n\n"
    "Today we will take four questions in turn. For each, you will write your own ideas in "
    "silence, share them one at a time, talk them through together, and then vote privately on "
    "what matters most."
)


def load_demo_workshop(organisation: Organisation, facilitator_email: str) -> Workshop:
    """Returns the demo workshop, creating it (draft, four questions) if it is missing."""
    facilitator = User.objects.get(email=facilitator_email)
    workshop, created = Workshop.objects.get_or_create(
        organisation=organisation,
        title=TITLE,
        defaults={
            "purpose": "To agree what matters most in mentoring for black and minoritised allied health professionals, to shape our mentoring programme.",
            "briefing": BRIEFING,
            "created_by": facilitator,
        },
    )
    if created:
        for order, text in enumerate(QUESTIONS, start=1):
            Question.objects.create(workshop=workshop, order=order, text=text)
    WorkshopStaff.objects.get_or_create(
        workshop=workshop, user=facilitator, defaults={"role": StaffRole.LEAD}
    )
    return workshop
