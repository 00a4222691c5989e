"""The study's model, shipped as the default: Sriram, Atwal and McKay, BMJ Open 2024.

Figure 2 of the paper puts the mentee at the centre of four intersecting domains:
sponsorship, allyship, surface characteristics and mentoring circles. They answer four
questions, each with the meaning the paper gives it. Figure 3 sums up good allyship:
"combine kindness and courage; believing, challenging, disrupting to bring about change".

The paper names themes that define the domains (direction for career progression, clinical
skills, honesty and humility, an understanding of bias and race issues, skills for mentoring,
an effective mentoring relationship) but does not say which domain each belongs to, so the
default places none: themes come from a workshop (see docs/decisions/0014-mentoring-model.md).
"""

from __future__ import annotations

from allied.core.allyship import QUALITIES
from allied.core.model.types import Domain, MentoringModel, Question

DOI = "10.1136/bmjopen-2024-089121"
CITATION = (
    "Sriram V, Atwal A, McKay EA. Exploring aspects of mentoring for black and minoritised "
    "healthcare professionals in the UK: a nominal group technique study. BMJ Open "
    f"2024;14:e089121. doi:{DOI}"
)
ALLYSHIP = (
    "Allyship is to combine kindness and courage: believing, challenging, disrupting to "
    "bring about change."
)

# The four questions and their meanings, in the paper's words and order.
QUESTIONS: tuple[Question, ...] = (
    Question("need", "What I need?", "Essential for basic function."),
    Question(
        "help",
        "What can help me?",
        "Provides or makes things easier, but not absolutely necessary.",
    ),
    Question(
        "support",
        "What can support me?",
        "Offers guidance or assistance over time, enhancing outcomes but not mandatory.",
    ),
    Question("require", "What I require?", "A formal or necessary condition for proceeding."),
)

DOMAINS: tuple[Domain, ...] = (
    Domain(
        "sponsorship",
        "Sponsorship",
        "The mentor uses their position for the mentee: providing opportunities such as "
        "networking and resource building, signposting, and giving direction for career "
        "progression.",
    ),
    Domain(
        "allyship",
        "Allyship",
        "Allyship from mentors and others, who combine kindness and courage: believing the "
        "mentee, challenging and disrupting to bring about change, with the humility to say "
        "what they do not know and an understanding of bias and race issues. Allies need not "
        "be perfect, and do not expect the mentee to keep justifying their experiences.",
    ),
    Domain(
        "surface",
        "Surface characteristics",
        "How characteristics such as ethnicity, gender and profession can play a role in "
        "supporting the mentee. Mentees and mentors are both asked their preferences for "
        "matching on them; some mentees want someone like them, some want someone different.",
    ),
    Domain(
        "circles",
        "Mentoring circles",
        "Peer support for mentees in small groups that run in parallel to one-to-one "
        "mentoring, with open and frank conversation, structure and goals, and exposure to "
        "different opinions and experiences.",
    ),
)

STUDY_MODEL = MentoringModel(
    name="A model for mentoring for career progression (Sriram, Atwal and McKay 2024)",
    version=1,
    domains=DOMAINS,
    questions=QUESTIONS,
    qualities=QUALITIES,
    citation=CITATION,
    centre="The mentee",
    allyship=ALLYSHIP,
)
