"""The demo workshops: a draft NGT workshop on the study's four questions, ready to run, and a
finished one on the same questions, with ideas, themes, votes and notes, from which a research
team can build a mentoring model in the demo.

The finished workshop is run through the workshop's own actions (silent generation, round
robin, themes, notes, voting, results, discussion), so its results, ranks and trail are what a
real workshop would leave. Its six participants are anonymous (pseudonyms only) and fictional.
"""

from __future__ import annotations

import uuid

from django.db import transaction

from allied.accounts.models import Organisation, User
from allied.workshops import actions
from allied.workshops.models import Phase, Question, StaffRole, Workshop, WorkshopStaff

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
    load_finished_workshop(organisation, facilitator)
    return workshop


# The finished workshop ----------------------------------------------------------------------

FINISHED_TITLE = "Building our mentoring model: what the group agreed (demo, finished)"
FINISHED_PURPOSE = (
    "A workshop that has been run to the end, so that a research team can build a mentoring "
    "model from its themes, votes and notes."
)
PARTICIPANTS = 6
TOP_K = 3


# Per question: each idea with the theme the group put it in ("" for none), each participant's
# top three in rank order, and the notes taken in the discussion (idea text, or "" for the
# question as a whole). Worded after the study's discussion; the people are fictional.
FINISHED: list[dict] = [
    {
        "text": QUESTIONS[0],
        "ideas": {
            "Open and frank conversations about what we each expect": (
                "An effective mentoring relationship"
            ),
            "Honesty and humility from the mentor": "An effective mentoring relationship",
            "Direction for career progression": "Sponsorship and career direction",
            "Opportunities for networking": "Sponsorship and career direction",
            "A mentor who brings clinical skills in my area": "Skills for mentoring",
            "The choice of whether my mentor is from my profession": "Choosing my mentor",
            "Mentoring early in my career": "",
        },
        "votes": [
            [
                "Direction for career progression",
                "Open and frank conversations about what we each expect",
                "Opportunities for networking",
            ],
            [
                "Open and frank conversations about what we each expect",
                "Direction for career progression",
                "Honesty and humility from the mentor",
            ],
            [
                "Direction for career progression",
                "Opportunities for networking",
                "The choice of whether my mentor is from my profession",
            ],
            [
                "Honesty and humility from the mentor",
                "Open and frank conversations about what we each expect",
                "Mentoring early in my career",
            ],
            [
                "Opportunities for networking",
                "Direction for career progression",
                "A mentor who brings clinical skills in my area",
            ],
            [
                "Open and frank conversations about what we each expect",
                "The choice of whether my mentor is from my profession",
                "Direction for career progression",
            ],
        ],
        "notes": {
            "Open and frank conversations about what we each expect": (
                "Agreeing expectations at the start avoids clashes later and builds hope and "
                "commitment."
            ),
            "Direction for career progression": (
                "The group said a mentor who opens doors matters more than advice alone."
            ),
            "": "Least votes went to how long mentoring lasts and similarity of interests.",
        },
    },
    {
        "text": QUESTIONS[1],
        "ideas": {
            "The mentee decides when race is brought up": "Who raises race and who manages it",
            "The mentor can manage the conversation when it comes up": (
                "Who raises race and who manages it"
            ),
            "An understanding of bias and race issues": "Understanding of bias and race issues",
            "Not having to keep justifying my experiences": (
                "Understanding of bias and race issues"
            ),
            "A safe space to talk": "Psychological safety",
        },
        "votes": [
            [
                "The mentee decides when race is brought up",
                "An understanding of bias and race issues",
                "A safe space to talk",
            ],
            [
                "The mentor can manage the conversation when it comes up",
                "The mentee decides when race is brought up",
                "Not having to keep justifying my experiences",
            ],
            [
                "An understanding of bias and race issues",
                "A safe space to talk",
                "The mentee decides when race is brought up",
            ],
            [
                "Not having to keep justifying my experiences",
                "The mentor can manage the conversation when it comes up",
                "An understanding of bias and race issues",
            ],
            [
                "The mentee decides when race is brought up",
                "The mentor can manage the conversation when it comes up",
                "A safe space to talk",
            ],
            [
                "A safe space to talk",
                "An understanding of bias and race issues",
                "The mentee decides when race is brought up",
            ],
        ],
        "notes": {
            "The mentee decides when race is brought up": (
                "Who brings it up (the mentee) and who manages it (the mentor) should be part "
                "of the first open conversation."
            ),
        },
    },
    {
        "text": QUESTIONS[2],
        "ideas": {
            "The risk of not having time for both a circle and one-to-one mentoring": (
                "Time to take part"
            ),
            "Hearing different opinions and experiences": "Peer support",
            "Support from peers who understand": "Peer support",
            "Structure and goals for each circle": "Structure and skills for circles",
            "Skills for facilitating a circle": "Structure and skills for circles",
        },
        "votes": [
            [
                "The risk of not having time for both a circle and one-to-one mentoring",
                "Support from peers who understand",
                "Structure and goals for each circle",
            ],
            [
                "Hearing different opinions and experiences",
                "The risk of not having time for both a circle and one-to-one mentoring",
                "Skills for facilitating a circle",
            ],
            [
                "The risk of not having time for both a circle and one-to-one mentoring",
                "Skills for facilitating a circle",
                "Hearing different opinions and experiences",
            ],
            [
                "Support from peers who understand",
                "Structure and goals for each circle",
                "The risk of not having time for both a circle and one-to-one mentoring",
            ],
            [
                "Skills for facilitating a circle",
                "Hearing different opinions and experiences",
                "Support from peers who understand",
            ],
            [
                "The risk of not having time for both a circle and one-to-one mentoring",
                "Hearing different opinions and experiences",
                "Structure and goals for each circle",
            ],
        ],
        "notes": {
            "Hearing different opinions and experiences": (
                "Circles run alongside one-to-one mentoring, not instead of it."
            ),
        },
    },
    {
        "text": QUESTIONS[3],
        "ideas": {
            "Allies are bold and combine kindness with courage": "Kindness and courage",
            "Allies need not be perfect": "Kindness and courage",
            "Believing the mentee's experiences": "Believing, challenging, disrupting",
            "Challenging and disrupting the status quo": "Believing, challenging, disrupting",
            "The humility to say what they do not know": "Humility",
        },
        "votes": [
            [
                "Allies are bold and combine kindness with courage",
                "Challenging and disrupting the status quo",
                "Believing the mentee's experiences",
            ],
            [
                "Believing the mentee's experiences",
                "Allies are bold and combine kindness with courage",
                "The humility to say what they do not know",
            ],
            [
                "Allies are bold and combine kindness with courage",
                "Believing the mentee's experiences",
                "Allies need not be perfect",
            ],
            [
                "Challenging and disrupting the status quo",
                "Allies are bold and combine kindness with courage",
                "The humility to say what they do not know",
            ],
            [
                "The humility to say what they do not know",
                "Believing the mentee's experiences",
                "Allies are bold and combine kindness with courage",
            ],
            [
                "Allies are bold and combine kindness with courage",
                "Challenging and disrupting the status quo",
                "Allies need not be perfect",
            ],
        ],
        "notes": {
            "Challenging and disrupting the status quo": (
                "Allies bring about change for their mentees and for the professions."
            ),
        },
    },
]


def load_finished_workshop(organisation: Organisation, facilitator: User) -> Workshop:
    """Returns the finished demo workshop, running it to the end if it is missing. All or
    nothing: a load that fails part way leaves no half-run workshop behind."""
    existing = Workshop.objects.filter(organisation=organisation, title=FINISHED_TITLE).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        workshop = Workshop.objects.create(
            organisation=organisation,
            title=FINISHED_TITLE,
            purpose=FINISHED_PURPOSE,
            briefing=BRIEFING,
            created_by=facilitator,
        )
        WorkshopStaff.objects.create(workshop=workshop, user=facilitator, role=StaffRole.LEAD)
        questions = [
            Question.objects.create(workshop=workshop, order=order, text=item["text"], k=TOP_K)
            for order, item in enumerate(FINISHED, start=1)
        ]
        people = [
            actions.participant_consent(
                workshop=workshop, participant=None, session_token=uuid.uuid4().hex
            )
            for _ in range(PARTICIPANTS)
        ]
        actions.workshop_start(workshop=workshop, by=facilitator)
        for question, item in zip(questions, FINISHED, strict=True):
            run_question(workshop, question, item, people, facilitator)
        workshop.refresh_from_db()
    return workshop


def run_question(workshop, question, item: dict, people, facilitator) -> None:
    """Runs one question from silent generation to the final discussion, then moves on.

    `item` holds "ideas" (each idea's text → its theme, "" for none, in the order shared),
    "notes" (an idea's text → a note the facilitator takes on it) and "votes" (one ballot
    per person in `people`: idea texts, best first). Tests that need a finished workshop
    run their questions through it too."""
    for phase in (Phase.SILENT, Phase.ROUND_ROBIN):
        question = actions.phase_move(question=question, to_phase=phase, by=facilitator)
    for text in item["ideas"]:
        question.refresh_from_db()
        order = actions.turn_order(workshop)
        actions.turn_take(
            question=question,
            participant=order[question.turn_index % len(order)],
            client_id=uuid.uuid4(),
            text=text,
        )
    question = actions.phase_move(question=question, to_phase=Phase.CLARIFICATION, by=facilitator)
    ideas = {idea.text: idea for idea in question.ideas.all()}
    for theme in dict.fromkeys(name for name in item["ideas"].values() if name):
        members = [ideas[text] for text, name in item["ideas"].items() if name == theme]
        actions.ideas_theme(question=question, name=theme, ideas=members, by=facilitator)
    for text, note in item["notes"].items():
        actions.note_add(question=question, idea=ideas.get(text), text=note, by=facilitator)
    question = actions.phase_move(question=question, to_phase=Phase.VOTING, by=facilitator)
    for person, ballot in zip(people, item["votes"], strict=True):
        actions.ballot_submit(
            question=question,
            participant=person,
            client_id=uuid.uuid4(),
            values={ideas[text]: rank for rank, text in enumerate(ballot, start=1)},
        )
    for phase in (Phase.RESULTS, Phase.DISCUSSION):
        question = actions.phase_move(question=question, to_phase=phase, by=facilitator)
    actions.question_next(workshop=workshop, by=facilitator)
