"""The demo mentoring programme, loaded by `allied demo` after the demo organisation.

"Northbrook Valley allied health mentoring" is coordinated by Priya Raman
(coordinator@northbrook.example) and matched by the coordinator. Its current cohorts:

- "Spring 2026", running: Amara Nwosu (mentor@) mentors Kemi Adebayo (mentee@) under a
  signed agreement, with two meetings held, one arranged, a career goal with actions, and
  two sponsorship actions (one confirmed by Kemi, one waiting for her).
- "Autumn 2026", intake open: the demo's mentors and the other mentees have complete,
  realistic intakes, so the coordinator can run matching in the browser; two more mentees are
  part-way through theirs.

Before them, three finished cohorts (Autumn 2024, Spring 2025, Autumn 2025) give the programme
a history of a few hundred people, so that its dashboard shows real figures: see
`allied.demo.history`. The demo people above take no part in that history.

Everyone is fictional. Loading is idempotent: rows are found by natural keys (and the
relationship's records by fixed submission keys), so a second run changes nothing. Ethnicity
and gender are written only through `allied.programmes.sensitive`, and only the first time.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from allied.accounts.models import Membership, Organisation, Role, User
from allied.demo import organisation as organisation_demo
from allied.demo.history import load_history
from allied.programmes import sensitive
from allied.programmes.models import (
    Agreement,
    Cohort,
    Goal,
    GoalAction,
    GoalUpdate,
    MatchingMode,
    Meeting,
    Participant,
    Programme,
    Relationship,
    SpecialCategory,
    SponsorshipAction,
)

PROGRAMME = "Northbrook Valley allied health mentoring"
SPRING = "Spring 2026"
AUTUMN = "Autumn 2026"
DOMAIN = organisation_demo.DOMAIN
# Fixed keys for the demo relationship's records, so a second load finds them.
KEYS = uuid.UUID("6f1b8f5e-2b7a-4c59-9d0e-5a1d2c3b4e60")

# The demo organisation keeps professions and settings in its own short form.
PROFESSION = {
    "diagnostic_radiographer": "radiographer",
    "therapeutic_radiographer": "radiographer",
}
SETTING = {"independent": "independent_sector", "voluntary": "voluntary_sector"}

NONE = {"kind": "none", "strength": ""}
PREFERENCE_ATTRIBUTES = (
    "profession",
    "band",
    "work_setting",
    "region",
    "gender",
    "ethnic_group",
    "languages",
    "meeting_mode",
)


def prefs(**stated: str) -> dict:
    """{"profession": "same important"} → the stored preferences, "no preference" elsewhere."""
    out = {attribute: dict(NONE) for attribute in PREFERENCE_ATTRIBUTES}
    for attribute, text in stated.items():
        kind, strength = text.split()
        out[attribute] = {"kind": kind, "strength": strength}
    return out


# Mentors: band, region, capacity, meeting mode, availability, offers, values, working style,
# openness, conscientiousness, languages, interests, race comfort, allyship trained, offer in
# their own words, preferences, and equality answers (ethnic group, gender, matching consent;
# None: they skipped the section).
MENTORS = {
    "mentor": {
        "band": "band_8b",
        "region": "yorkshire_and_the_humber",
        "capacity": 2,
        "mode": "either",
        "availability": ["weekday_lunchtimes", "weekday_evenings"],
        "offers": [
            "career_direction",
            "sponsorship",
            "leadership_skills",
            "race_and_racism",
            "role_model",
            "applications_interviews",
        ],
        "values": ["authenticity", "courage", "fairness"],
        "style": ["reflective", "collaborative"],
        "scales": (4.5, 4.0),
        "languages": ["English", "Igbo"],
        "interests": ["community rehabilitation", "leadership", "service improvement"],
        "goals": ["leadership"],
        "race_comfort": "confident",
        "trained": True,
        "text": (
            "I lead community occupational therapy and have sat on many interview panels. "
            "I can help you plan your next step, prepare for interviews and be seen by the "
            "people who make decisions."
        ),
        "prefs": prefs(),
        "equality": ("black_african", "woman", True),
    },
    "mentor.02": {
        "band": "band_8a",
        "region": "yorkshire_and_the_humber",
        "capacity": 2,
        "mode": "in_person",
        "availability": ["weekday_mornings", "weekday_afternoons"],
        "offers": ["clinical_skills", "career_direction", "research_skills", "teaching_skills"],
        "values": ["excellence", "curiosity", "service"],
        "style": ["structured", "detail_focused"],
        "scales": (3.5, 4.5),
        "languages": ["English", "Gujarati", "Hindi"],
        "interests": ["musculoskeletal", "research", "teaching"],
        "goals": ["research", "advanced_practice"],
        "race_comfort": "willing",
        "trained": True,
        "text": "Consultant physiotherapist in musculoskeletal care; I supervise MSc projects.",
        "prefs": prefs(profession="same nice_to_have", meeting_mode="same important"),
        "equality": ("asian_indian", "man", True),
    },
    "mentor.03": {
        "band": "band_8b",
        "region": "north_west",
        "capacity": 2,
        "mode": "online",
        "availability": ["weekday_afternoons", "weekday_evenings"],
        "offers": [
            "leadership_skills",
            "confidence_building",
            "psychological_safety",
            "wellbeing",
            "career_direction",
        ],
        "values": ["kindness", "integrity", "humility"],
        "style": ["reflective", "diplomatic"],
        "scales": (4.0, 3.5),
        "languages": ["English"],
        "interests": ["paediatrics", "leadership", "coaching"],
        "goals": ["leadership"],
        "race_comfort": "willing",
        "trained": True,
        "text": (
            "Head of children's speech and language therapy. I am still learning about race "
            "and racism at work and I want to be a good ally."
        ),
        "prefs": prefs(),
        "equality": ("white_british", "woman", False),
    },
    "mentor.04": {
        "band": "band_8a",
        "region": "east_midlands",
        "capacity": 2,
        "mode": "either",
        "availability": ["weekday_evenings", "weekends"],
        "offers": [
            "career_direction",
            "applications_interviews",
            "race_and_racism",
            "role_model",
            "networking",
        ],
        "values": ["faith", "service", "courage"],
        "style": ["direct", "action_oriented"],
        "scales": (3.5, 4.0),
        "languages": ["English", "Urdu", "Punjabi"],
        "interests": ["urgent care", "education"],
        "goals": ["education", "leadership"],
        "race_comfort": "confident",
        "trained": True,
        "text": "Paramedic consultant; I can help with applications, interviews and networks.",
        "prefs": prefs(meeting_mode="same nice_to_have"),
        "equality": ("asian_pakistani", "man", True),
    },
    "mentor.05": {
        "band": "band_8b",
        "region": "yorkshire_and_the_humber",
        "capacity": 1,
        "mode": "online",
        "availability": ["weekday_lunchtimes"],
        "offers": ["research_skills", "clinical_skills", "career_direction", "teaching_skills"],
        "values": ["excellence", "curiosity", "integrity"],
        "style": ["structured", "independent"],
        "scales": (4.0, 5.0),
        "languages": ["English", "Mandarin"],
        "interests": ["imaging research", "artificial intelligence"],
        "goals": ["research"],
        "race_comfort": "willing",
        "trained": False,
        "text": "Research radiographer in the independent sector; I publish and review papers.",
        "prefs": prefs(profession="same important"),
        "equality": ("asian_chinese", "man", True),
    },
    "mentor.06": {
        "band": "band_8a",
        "region": "london",
        "capacity": 3,
        "mode": "online",
        "availability": ["weekday_evenings", "weekends"],
        "offers": [
            "sponsorship",
            "networking",
            "race_and_racism",
            "confidence_building",
            "career_direction",
            "peer_support",
        ],
        "values": ["fairness", "collaboration", "family"],
        "style": ["collaborative", "flexible"],
        "scales": (4.5, 3.5),
        "languages": ["English", "Yoruba"],
        "interests": ["public health nutrition", "diversity networks"],
        "goals": ["leadership"],
        "race_comfort": "confident",
        "trained": True,
        "text": (
            "I chair a national network for black and minoritised dietitians and can open "
            "doors, introduce you to people and put your name forward."
        ),
        "prefs": prefs(),
        "equality": ("black_african", "woman", True),
    },
    "mentor.07": {
        "band": "band_8b",
        "region": "yorkshire_and_the_humber",
        "capacity": 2,
        "mode": "in_person",
        "availability": ["weekday_mornings", "weekday_afternoons"],
        "offers": ["leadership_skills", "career_direction", "psychological_safety", "wellbeing"],
        "values": ["kindness", "service", "humility"],
        "style": ["reflective", "big_picture"],
        "scales": (3.5, 4.0),
        "languages": ["English"],
        "interests": ["mental health", "gardening"],
        "goals": ["education"],
        "race_comfort": "not_yet",
        "trained": False,
        "text": "Recently retired occupational therapy lead with time to give.",
        "prefs": prefs(region="same important", meeting_mode="same important"),
        "equality": ("white_irish", "woman", False),
    },
    "mentor.08": {
        "band": "band_7",
        "region": "west_midlands",
        "capacity": 1,
        "mode": "either",
        "availability": ["weekday_lunchtimes", "weekday_evenings"],
        "offers": ["clinical_skills", "confidence_building", "peer_support", "race_and_racism"],
        "values": ["honesty", "family", "service"],
        "style": ["collaborative", "flexible"],
        "scales": (4.0, 3.5),
        "languages": ["English", "Punjabi"],
        "interests": ["diabetes foot care", "social care"],
        "goals": ["advanced_practice"],
        "race_comfort": "confident",
        "trained": True,
        "text": "Podiatrist in social care; happy to share how I moved from the NHS.",
        "prefs": prefs(band="same nice_to_have"),
        "equality": ("asian_indian", "woman", True),
    },
    "mentor.09": {
        "band": "band_8a",
        "region": "north_east",
        "capacity": 2,
        "mode": "either",
        "availability": ["weekday_evenings"],
        "offers": [
            "career_direction",
            "role_model",
            "race_and_racism",
            "applications_interviews",
            "leadership_skills",
        ],
        "values": ["courage", "honesty", "authenticity"],
        "style": ["direct", "action_oriented"],
        "scales": (3.5, 4.0),
        "languages": ["English"],
        "interests": ["theatres", "football", "education"],
        "goals": ["leadership", "education"],
        "race_comfort": "confident",
        "trained": True,
        "text": "Theatre manager; I went from band 5 to 8a and can share what helped.",
        "prefs": prefs(),
        "equality": ("black_caribbean", "man", True),
    },
    "mentor.10": {
        "band": "band_8a",
        "region": "yorkshire_and_the_humber",
        "capacity": 1,
        "mode": "online",
        "availability": ["weekday_afternoons"],
        "offers": ["psychological_safety", "wellbeing", "confidence_building", "teaching_skills"],
        "values": ["authenticity", "kindness", "curiosity"],
        "style": ["reflective", "flexible"],
        "scales": (5.0, 3.0),
        "languages": ["English", "Arabic", "French"],
        "interests": ["arts therapies", "refugee health"],
        "goals": ["education"],
        "race_comfort": "willing",
        "trained": True,
        "text": "Music therapist in the voluntary sector; I supervise arts therapists.",
        "prefs": prefs(profession="different nice_to_have"),
        "equality": ("other_arab", "prefer_not_to_say", False),
    },
    "mentor.11": {
        "band": "band_8b",
        "region": "north_west",
        "capacity": 2,
        "mode": "either",
        "availability": ["weekday_mornings", "weekday_lunchtimes"],
        "offers": ["leadership_skills", "research_skills", "career_direction", "sponsorship"],
        "values": ["excellence", "integrity", "collaboration"],
        "style": ["structured", "big_picture"],
        "scales": (3.0, 4.5),
        "languages": ["English"],
        "interests": ["radiotherapy", "service improvement"],
        "goals": ["leadership"],
        "race_comfort": "willing",
        "trained": True,
        "text": "Radiotherapy services manager; I can help you lead change and be noticed.",
        "prefs": prefs(),
        "equality": None,
    },
    "mentor.12": {
        "band": "band_8b",
        "region": "yorkshire_and_the_humber",
        "capacity": 2,
        "mode": "either",
        "availability": ["weekday_lunchtimes", "weekday_afternoons"],
        "offers": ["clinical_skills", "career_direction", "confidence_building", "networking"],
        "values": ["honesty", "faith", "kindness"],
        "style": ["detail_focused", "diplomatic"],
        "scales": (3.5, 4.5),
        "languages": ["English", "Urdu"],
        "interests": ["neuro-ophthalmology", "stroke"],
        "goals": ["advanced_practice"],
        "race_comfort": "confident",
        "trained": True,
        "text": "Head orthoptist; I can help with clinical development and career direction.",
        "prefs": prefs(gender="same nice_to_have"),
        "equality": ("asian_pakistani", "woman", True),
    },
}

# Mentees: band, region, meeting mode, availability, career goals, needs under the four
# questions (need, help, support, require) with their own words, values, working style,
# openness, conscientiousness, languages, interests, race conversation and who raises it,
# preferences, and equality answers.
MENTEES = {
    "mentee": {
        "band": "band_6",
        "region": "yorkshire_and_the_humber",
        "mode": "either",
        "availability": ["weekday_lunchtimes", "weekday_evenings"],
        "goals": ["promotion", "leadership"],
        "need": ["career_direction", "sponsorship"],
        "help": ["applications_interviews"],
        "support": ["role_model"],
        "require": ["race_and_racism"],
        "words": {
            "need": "A clear plan to reach a band 7 role in the next year.",
            "help": "Practice for interviews and feedback on my applications.",
            "support": "Someone who has been where I am and made it.",
            "require": "A mentor who understands racism at work and will talk about it.",
        },
        "values": ["authenticity", "family", "courage"],
        "style": ["reflective", "collaborative"],
        "scales": (4.0, 4.0),
        "languages": ["English", "Yoruba"],
        "interests": ["community rehabilitation", "falls prevention"],
        "race": ("yes", "either"),
        "prefs": prefs(profession="same important", ethnic_group="same important"),
        "equality": ("black_african", "woman", True),
    },
    "mentee.02": {
        "band": "band_5",
        "region": "yorkshire_and_the_humber",
        "mode": "in_person",
        "availability": ["weekday_mornings", "weekday_afternoons"],
        "goals": ["advanced_practice", "research"],
        "need": ["clinical_skills"],
        "help": ["research_skills"],
        "support": ["career_direction"],
        "require": [],
        "words": {"need": "Confidence in complex musculoskeletal assessments."},
        "values": ["curiosity", "excellence"],
        "style": ["structured", "detail_focused"],
        "scales": (3.5, 4.5),
        "languages": ["English", "Hindi"],
        "interests": ["musculoskeletal", "sport"],
        "race": ("unsure", "mentor"),
        "prefs": prefs(profession="same essential", meeting_mode="same important"),
        "equality": ("asian_indian", "man", False),
    },
    "mentee.03": {
        "band": "band_6",
        "region": "london",
        "mode": "online",
        "availability": ["weekday_evenings"],
        "goals": ["promotion", "leadership"],
        "need": ["sponsorship", "networking"],
        "help": ["career_direction"],
        "support": ["peer_support"],
        "require": ["race_and_racism"],
        "words": {
            "need": "People who will put my name forward.",
            "require": "To talk about being the only black dietitian in my team.",
        },
        "values": ["fairness", "family"],
        "style": ["collaborative", "flexible"],
        "scales": (4.0, 3.5),
        "languages": ["English", "Igbo"],
        "interests": ["public health nutrition"],
        "race": ("yes", "me"),
        "prefs": prefs(ethnic_group="same important", gender="same nice_to_have"),
        "equality": ("black_african", "woman", True),
    },
    "mentee.04": {
        "band": "band_6",
        "region": "north_west",
        "mode": "online",
        "availability": ["weekday_afternoons"],
        "goals": ["leadership", "confidence"],
        "need": ["leadership_skills"],
        "help": ["confidence_building"],
        "support": ["psychological_safety"],
        "require": [],
        "words": {
            "need": "To lead a small team well.",
            "support": "Somewhere safe to think aloud.",
        },
        "values": ["kindness", "humility"],
        "style": ["reflective", "diplomatic"],
        "scales": (4.0, 4.0),
        "languages": ["English", "Cantonese"],
        "interests": ["adult learning disabilities"],
        "race": ("not_now", ""),
        "prefs": prefs(profession="same nice_to_have"),
        "equality": ("asian_chinese", "woman", False),
    },
    "mentee.05": {
        "band": "band_6",
        "region": "east_midlands",
        "mode": "either",
        "availability": ["weekday_evenings", "weekends"],
        "goals": ["promotion", "education"],
        "need": ["career_direction"],
        "help": ["applications_interviews"],
        "support": ["role_model"],
        "require": ["race_and_racism"],
        "words": {"need": "A route into paramedic education."},
        "values": ["service", "faith"],
        "style": ["action_oriented", "direct"],
        "scales": (3.5, 4.0),
        "languages": ["English", "Urdu"],
        "interests": ["urgent care", "teaching"],
        "race": ("yes", "either"),
        "prefs": prefs(profession="same important"),
        "equality": ("asian_pakistani", "man", True),
    },
    "mentee.06": {
        "band": "band_5",
        "region": "yorkshire_and_the_humber",
        "mode": "either",
        "availability": ["weekday_lunchtimes"],
        "goals": ["confidence", "promotion"],
        "need": ["confidence_building"],
        "help": ["career_direction"],
        "support": ["peer_support", "psychological_safety"],
        "require": ["race_and_racism"],
        "words": {"need": "To feel I belong in my profession."},
        "values": ["family", "kindness"],
        "style": ["collaborative", "reflective"],
        "scales": (4.0, 3.5),
        "languages": ["English", "Shona"],
        "interests": ["social care", "dementia"],
        "race": ("yes", "mentor"),
        "prefs": prefs(broad_ethnic_group="same nice_to_have", band="different important"),
        "equality": ("black_african", "woman", True),
    },
    "mentee.07": {
        "band": "band_6",
        "region": "west_midlands",
        "mode": "either",
        "availability": ["weekday_evenings"],
        "goals": ["change_setting", "advanced_practice"],
        "need": ["clinical_skills"],
        "help": ["career_direction"],
        "support": ["networking"],
        "require": [],
        "words": {"need": "Advice on moving back into the NHS."},
        "values": ["independence", "honesty"],
        "style": ["independent", "flexible"],
        "scales": (3.0, 3.5),
        "languages": ["English", "Punjabi"],
        "interests": ["diabetes foot care"],
        "race": ("unsure", "either"),
        "prefs": prefs(),
        "equality": ("prefer_not_to_say", "man", False),
    },
    "mentee.08": {
        "band": "band_7",
        "region": "yorkshire_and_the_humber",
        "mode": "online",
        "availability": ["weekday_lunchtimes"],
        "goals": ["research", "advanced_practice"],
        "need": ["research_skills"],
        "help": ["career_direction"],
        "support": ["role_model"],
        "require": ["sponsorship"],
        "words": {"need": "To publish my audit and start a clinical academic career."},
        "values": ["excellence", "curiosity"],
        "style": ["structured", "independent"],
        "scales": (4.5, 4.5),
        "languages": ["English", "Twi"],
        "interests": ["imaging research"],
        "race": ("yes", "me"),
        "prefs": prefs(profession="same important", band="different important"),
        "equality": ("black_african", "woman", True),
    },
    "mentee.09": {
        "band": "band_6",
        "region": "yorkshire_and_the_humber",
        "mode": "online",
        "availability": ["weekday_afternoons"],
        "goals": ["confidence"],
        "need": ["psychological_safety"],
        "help": ["wellbeing"],
        "support": ["teaching_skills"],
        "require": [],
        "words": {"need": "Space to reflect on a demanding role."},
        "values": ["authenticity", "kindness"],
        "style": ["reflective", "flexible"],
        "scales": (5.0, 3.0),
        "languages": ["English", "Urdu"],
        "interests": ["arts therapies"],
        "race": ("not_now", ""),
        "prefs": prefs(),
        "equality": None,
    },
    "mentee.10": {
        "band": "band_5",
        "region": "north_east",
        "mode": "either",
        "availability": ["weekday_evenings"],
        "goals": ["promotion", "leadership"],
        "need": ["career_direction"],
        "help": ["applications_interviews"],
        "support": ["role_model"],
        "require": ["race_and_racism"],
        "words": {"need": "To get my first band 6 post.", "require": "A mentor who gets it."},
        "values": ["courage", "honesty"],
        "style": ["action_oriented", "direct"],
        "scales": (3.5, 3.5),
        "languages": ["English"],
        "interests": ["theatres", "football"],
        "race": ("yes", "either"),
        "prefs": prefs(broad_ethnic_group="same important", gender="same nice_to_have"),
        "equality": ("black_caribbean", "man", True),
    },
    "mentee.11": {
        "band": "band_7",
        "region": "yorkshire_and_the_humber",
        "mode": "either",
        "availability": ["weekday_mornings", "weekday_lunchtimes"],
        "goals": ["leadership", "promotion"],
        "need": ["leadership_skills", "sponsorship"],
        "help": ["networking"],
        "support": ["career_direction"],
        "require": ["race_and_racism"],
        "words": {"need": "To be ready for an 8a team lead role."},
        "values": ["fairness", "integrity"],
        "style": ["big_picture", "collaborative"],
        "scales": (4.0, 4.0),
        "languages": ["English", "Zulu"],
        "interests": ["respiratory", "leadership"],
        "race": ("yes", "me"),
        "prefs": prefs(band="different important"),
        "equality": ("black_african", "woman", True),
    },
    "mentee.12": {
        "band": "band_6",
        "region": "yorkshire_and_the_humber",
        "mode": "either",
        "availability": ["weekday_lunchtimes", "weekday_afternoons"],
        "goals": ["advanced_practice"],
        "need": ["clinical_skills"],
        "help": ["career_direction"],
        "support": ["confidence_building"],
        "require": [],
        "words": {"need": "Extended scope orthoptic skills."},
        "values": ["honesty", "kindness"],
        "style": ["detail_focused", "diplomatic"],
        "scales": (3.5, 4.5),
        "languages": ["English"],
        "interests": ["stroke", "neuro-ophthalmology"],
        "race": ("unsure", "mentor"),
        "prefs": prefs(profession="same important"),
        "equality": ("mixed_white_black_african", "woman", False),
    },
    "mentee.13": {
        "band": "band_6",
        "region": "north_west",
        "mode": "either",
        "availability": ["weekday_evenings"],
        "goals": ["change_setting", "promotion"],
        "need": ["career_direction"],
        "help": ["networking"],
        "support": ["sponsorship"],
        "require": [],
        "words": {"need": "A way from private practice into an NHS leadership role."},
        "values": ["independence", "excellence"],
        "style": ["independent", "big_picture"],
        "scales": (3.0, 4.0),
        "languages": ["English", "Urdu"],
        "interests": ["limb loss", "engineering"],
        "race": ("not_now", ""),
        "prefs": prefs(work_setting="different nice_to_have"),
        "equality": ("asian_pakistani", "man", False),
    },
    "mentee.14": {
        "band": "band_7",
        "region": "london",
        "mode": "online",
        "availability": ["weekday_evenings", "weekends"],
        "goals": ["leadership", "education"],
        "need": ["sponsorship"],
        "help": ["leadership_skills"],
        "support": ["peer_support"],
        "require": ["race_and_racism"],
        "words": {"need": "Visibility beyond my service.", "support": "A circle of peers."},
        "values": ["courage", "fairness"],
        "style": ["flexible", "big_picture"],
        "scales": (5.0, 3.5),
        "languages": ["English", "Hausa"],
        "interests": ["arts therapies", "diversity networks"],
        "race": ("yes", "me"),
        "prefs": prefs(ethnic_group="same nice_to_have", meeting_mode="same important"),
        "equality": ("black_african", "woman", True),
    },
    "mentee.15": {
        "band": "band_6",
        "region": "north_west",
        "mode": "either",
        "availability": ["weekday_mornings"],
        "goals": ["promotion", "research"],
        "need": ["career_direction"],
        "help": ["research_skills"],
        "support": ["leadership_skills"],
        "require": [],
        "words": {"need": "To understand my options for band 7."},
        "values": ["integrity", "collaboration"],
        "style": ["structured", "collaborative"],
        "scales": (3.5, 4.5),
        "languages": ["English", "Malayalam"],
        "interests": ["radiotherapy"],
        "race": ("unsure", "either"),
        "prefs": prefs(profession="same important"),
        "equality": ("asian_indian", "woman", True),
    },
    "mentee.16": {
        "band": "band_6",
        "region": "east_midlands",
        "mode": "either",
        "availability": ["weekday_evenings", "weekends"],
        "goals": ["confidence", "change_setting"],
        "need": ["networking"],
        "help": ["career_direction"],
        "support": ["role_model"],
        "require": ["race_and_racism"],
        "words": {"need": "To build a network outside my own practice."},
        "values": ["faith", "service"],
        "style": ["action_oriented", "collaborative"],
        "scales": (3.5, 3.5),
        "languages": ["English", "Twi"],
        "interests": ["sports injuries"],
        "race": ("yes", "either"),
        "prefs": prefs(gender="same nice_to_have"),
        "equality": ("prefer_not_to_say", "prefer_not_to_say", False),
    },
    "mentee.17": {
        "band": "band_5",
        "region": "north_west",
        "mode": "online",
        "availability": ["weekday_afternoons", "weekday_evenings"],
        "goals": ["confidence", "promotion"],
        "need": ["confidence_building"],
        "help": ["psychological_safety"],
        "support": ["wellbeing"],
        "require": [],
        "words": {"need": "Confidence to speak up in multidisciplinary meetings."},
        "values": ["kindness", "humility"],
        "style": ["reflective", "diplomatic"],
        "scales": (4.0, 4.0),
        "languages": ["English", "Somali"],
        "interests": ["paediatrics"],
        "race": ("not_now", ""),
        "prefs": prefs(profession="same important"),
        "equality": ("black_other", "woman", False),
    },
    "mentee.18": {
        "band": "band_6",
        "region": "yorkshire_and_the_humber",
        "mode": "either",
        "availability": ["weekday_afternoons"],
        "goals": ["education"],
        "need": ["teaching_skills"],
        "help": ["wellbeing"],
        "support": ["psychological_safety"],
        "require": [],
        "words": {"need": "To start supervising students."},
        "values": ["curiosity", "authenticity"],
        "style": ["flexible", "reflective"],
        "scales": (4.5, 3.0),
        "languages": ["English", "Portuguese"],
        "interests": ["arts therapies", "refugee health"],
        "race": ("unsure", "mentor"),
        "prefs": prefs(),
        "equality": ("white_other", "man", True),
    },
    "mentee.19": {
        "band": "band_7",
        "region": "london",
        "mode": "online",
        "availability": ["weekday_evenings"],
        "goals": ["leadership", "promotion"],
        "need": ["sponsorship", "leadership_skills"],
        "help": ["networking"],
        "support": ["role_model"],
        "require": ["race_and_racism"],
        "words": {"need": "To move into a national role."},
        "values": ["fairness", "collaboration"],
        "style": ["collaborative", "big_picture"],
        "scales": (4.0, 4.0),
        "languages": ["English", "Swahili"],
        "interests": ["public health nutrition"],
        "race": ("yes", "either"),
        "prefs": prefs(profession="same important", ethnic_group="same important"),
        "equality": ("black_african", "woman", True),
    },
    "mentee.20": {
        "band": "band_7",
        "region": "east_midlands",
        "mode": "either",
        "availability": ["weekday_evenings", "weekends"],
        "goals": ["leadership", "advanced_practice"],
        "need": ["leadership_skills"],
        "help": ["applications_interviews"],
        "support": ["career_direction"],
        "require": [],
        "words": {"need": "To become a clinical team leader."},
        "values": ["service", "honesty"],
        "style": ["direct", "structured"],
        "scales": (3.0, 4.5),
        "languages": ["English", "Telugu"],
        "interests": ["urgent care"],
        "race": ("not_now", ""),
        "prefs": prefs(profession="same nice_to_have"),
        "equality": ("asian_indian", "man", False),
    },
}

# Two more mentees, part-way through their intake: who they are and the step they reached.
IN_PROGRESS = [
    ("mentee.21", "Precious Ncube", "support_worker", "band_4", "social_care", "you"),
    ("mentee.22", "Owen Price", "radiographer", "band_5", "nhs", "about"),
]


def _key(name: str) -> uuid.UUID:
    return uuid.uuid5(KEYS, name)


def _user(email: str, full_name: str, organisation: Organisation, role: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, organisation_demo.DEMO_PASSWORD, full_name=full_name)
    Membership.objects.get_or_create(user=user, organisation=organisation, role=role)
    return user


def _profile(person: organisation_demo.DemoPerson) -> dict:
    return {
        "profession": PROFESSION.get(person.profession, person.profession),
        "work_setting": SETTING.get(person.setting, person.setting),
    }


def _place(cohort: Cohort, user: User, side: str, intake: dict, base: dict) -> Participant:
    """The person's complete intake in the cohort, created the first time only."""
    fields = {
        **base,
        "status": Participant.Status.READY,
        "intake_step": "check",
        "intake_completed_at": timezone.now(),
        "band": intake["band"],
        "region": intake["region"],
        "meeting_mode": intake["mode"],
        "availability": intake["availability"],
        "career_goals": intake["goals"],
        "languages": intake["languages"],
        "interests": intake["interests"],
        "values": intake["values"],
        "working_style": intake["style"],
        "openness": intake["scales"][0],
        "conscientiousness": intake["scales"][1],
        "preferences": intake["prefs"],
    }
    if side == "mentor":
        fields.update(
            offers=intake["offers"],
            offer_text=intake["text"],
            capacity=intake["capacity"],
            allyship_trained=intake["trained"],
            race_comfort=intake["race_comfort"],
        )
    else:
        conversation, raised_by = intake["race"]
        fields.update(
            needs_need=intake["need"],
            needs_help=intake["help"],
            needs_support=intake["support"],
            needs_require=intake["require"],
            needs_text=intake["words"],
            race_conversation=conversation,
            race_raised_by=raised_by,
        )
    place, created = Participant.objects.get_or_create(
        cohort=cohort, user=user, side=side, defaults=fields
    )
    if created:
        _equality(place, intake["equality"])
    return place


def _equality(place: Participant, answers) -> None:
    """Equality answers, through the audited route, once. None: the person skipped it."""
    if answers is None or SpecialCategory.objects.filter(participant=place).exists():
        return
    ethnic_group, gender, matching = answers
    sensitive.save_own_answers(
        place,
        ethnic_group=ethnic_group,
        gender=gender,
        monitoring_consent=True,
        matching_consent=matching and ethnic_group != "prefer_not_to_say",
        gender_matching_consent=matching and gender != "prefer_not_to_say",
    )


def _people(role: str) -> dict[str, organisation_demo.DemoPerson]:
    return {p.email.split("@")[0]: p for p in organisation_demo.demo_people() if role in p.roles}


@transaction.atomic
def load_demo_programme(organisation: Organisation) -> Programme:
    """Returns the demo programme, creating whatever of it is missing."""
    coordinator = User.objects.get(email=f"coordinator@{DOMAIN}")
    programme, _ = Programme.objects.get_or_create(
        organisation=organisation,
        name=PROGRAMME,
        defaults={
            "description": (
                "Mentoring for allied health professionals across Northbrook Valley, with the "
                "mentee at the centre: career progression, sponsorship and allyship. Black and "
                "minoritised staff are especially welcome."
            ),
            "relationship_months": 12,
            "meeting_every_weeks": 4,
            "matching_mode": MatchingMode.COORDINATOR,
            "created_by": coordinator,
        },
    )
    programme.coordinators.add(coordinator)
    mentors, mentees = _people(Role.MENTOR), _people(Role.MENTEE)
    _spring(programme, mentors["mentor"], mentees["mentee"])
    _autumn(programme, organisation, mentors, mentees)
    load_history(programme, organisation, coordinator)
    return programme


def _spring(programme: Programme, amara_person, kemi_person) -> Relationship:
    cohort, _ = Cohort.objects.get_or_create(
        programme=programme,
        name=SPRING,
        defaults={
            "starts_on": date(2026, 3, 2),
            "ends_on": date(2027, 2, 26),
            "status": Cohort.Status.RUNNING,
        },
    )
    amara = User.objects.get(email=amara_person.email)
    kemi = User.objects.get(email=kemi_person.email)
    mentor = _place(cohort, amara, "mentor", MENTORS["mentor"], _profile(amara_person))
    mentee = _place(cohort, kemi, "mentee", MENTEES["mentee"], _profile(kemi_person))
    now = timezone.now()
    started = now - timedelta(weeks=10)
    relationship = Relationship.objects.filter(cohort=cohort, mentee=mentee, mentor=mentor).first()
    if relationship is None:
        relationship = Relationship.objects.create(
            cohort=cohort,
            mentee=mentee,
            mentor=mentor,
            status=Relationship.Status.ACTIVE,
            source=Relationship.Source.COORDINATOR,
            started_at=started,
        )
    started = relationship.started_at or started
    Agreement.objects.get_or_create(
        relationship=relationship,
        defaults={
            "mentee_expectations": (
                "I will come to each meeting with something I want to work on and follow up "
                "on what we agree."
            ),
            "mentor_expectations": (
                "I will make time every month, be honest with my feedback, and use my "
                "networks to open doors for Kemi."
            ),
            "what_i_need": MENTEES["mentee"]["words"]["need"],
            "what_can_help_me": MENTEES["mentee"]["words"]["help"],
            "what_can_support_me": MENTEES["mentee"]["words"]["support"],
            "what_i_require": MENTEES["mentee"]["words"]["require"],
            "confidentiality": (
                "What we talk about stays between us, unless someone is at risk of harm; then "
                "we follow the trust's safeguarding policy and tell each other first if we can."
            ),
            "meeting_every_weeks": 4,
            "meeting_mode": "either",
            "length_months": 12,
            "mid_review_on": (started + timedelta(weeks=26)).date(),
            "end_review_on": (started + timedelta(weeks=52)).date(),
            "race_discussion": (
                "We will make space for race and racism at work whenever Kemi wants to; "
                "Amara will check in about it at each review."
            ),
            "race_raised_by": "either",
            "scope_understood": True,
            "version": 1,
            "mentee_signed_version": 1,
            "mentee_signed_at": started + timedelta(days=7),
            "mentor_signed_version": 1,
            "mentor_signed_at": started + timedelta(days=6),
            "updated_by": amara,
        },
    )
    day = timezone.localdate(started)
    held = [
        (
            "meeting-1",
            day + timedelta(days=7),
            "in_person",
            "Therapy Centre, Northbrook General",
            "What I need: we mapped the band 7 roles coming up and what each asks for. "
            "Agreed to update my CV first.",
        ),
        (
            "meeting-2",
            day + timedelta(days=35),
            "online",
            "",
            "What can help me: a practice interview question on leading change. "
            "Amara will introduce me to the regional AHP leadership network.",
        ),
    ]
    for key, on, mode, location, notes in held:
        starts_at = timezone.make_aware(datetime.combine(on, time(12, 30)))
        Meeting.objects.get_or_create(
            submission=_key(key),
            defaults={
                "relationship": relationship,
                "starts_at": starts_at,
                "mode": mode,
                "location": location,
                "status": Meeting.Status.HELD,
                "shared_notes": notes,
                "created_by": amara,
                "logged_at": starts_at + timedelta(hours=2),
                "logged_by": kemi,
            },
        )
    upcoming = timezone.localdate(now) + timedelta(days=6)
    Meeting.objects.get_or_create(
        submission=_key("meeting-3"),
        defaults={
            "relationship": relationship,
            "starts_at": timezone.make_aware(datetime.combine(upcoming, time(12, 30))),
            "mode": "online",
            "location": "Video call (link in the invitation)",
            "created_by": kemi,
        },
    )
    goal, _ = Goal.objects.get_or_create(
        submission=_key("goal"),
        defaults={
            "relationship": relationship,
            "title": "Apply for a band 7 community rehabilitation lead role",
            "description": "Be ready to apply when the next band 7 post in community rehab opens.",
            "target_date": timezone.localdate(now) + timedelta(weeks=20),
            "created_by": kemi,
        },
    )
    for key, text, due_in_days, done in (
        ("action-1", "Update my CV and supporting statement", -40, True),
        ("action-2", "Shadow the community team lead for a day", 21, False),
        (
            "action-3",
            "Present our falls-prevention audit at the regional AHP conference",
            90,
            False,
        ),
    ):
        GoalAction.objects.get_or_create(
            submission=_key(key),
            defaults={
                "goal": goal,
                "text": text,
                "due_on": timezone.localdate(now) + timedelta(days=due_in_days),
                "done_at": now - timedelta(days=30) if done else None,
            },
        )
    GoalUpdate.objects.get_or_create(
        submission=_key("goal-update"),
        defaults={
            "goal": goal,
            "author": kemi,
            "text": "CV updated with Amara's comments; my abstract went in for the conference.",
        },
    )
    SponsorshipAction.objects.get_or_create(
        submission=_key("sponsorship-1"),
        defaults={
            "relationship": relationship,
            "kind": SponsorshipAction.Kind.INTRODUCTION,
            "description": (
                "Introduced Kemi to the chair of the regional AHP leadership network, who "
                "invited her to the next meeting."
            ),
            "happened_on": day + timedelta(days=38),
            "recorded_by": amara,
            "confirmed_at": now - timedelta(weeks=4),
            "mentee_comment": "I went to the meeting and have been asked to join a working group.",
        },
    )
    SponsorshipAction.objects.get_or_create(
        submission=_key("sponsorship-2"),
        defaults={
            "relationship": relationship,
            "kind": SponsorshipAction.Kind.ADVOCACY,
            "description": (
                "Put Kemi's name forward to lead the trust's falls-prevention quality "
                "improvement project."
            ),
            "happened_on": timezone.localdate(now) - timedelta(days=5),
            "recorded_by": amara,
        },
    )
    return relationship


def _autumn(programme: Programme, organisation: Organisation, mentors, mentees) -> Cohort:
    cohort, _ = Cohort.objects.get_or_create(
        programme=programme,
        name=AUTUMN,
        defaults={
            "starts_on": date(2027, 1, 11),
            "ends_on": date(2028, 1, 7),
            "status": Cohort.Status.INTAKE,
        },
    )
    for local, intake in MENTORS.items():
        person = mentors[local]
        user = User.objects.get(email=person.email)
        _place(cohort, user, "mentor", intake, _profile(person))
    for local, intake in MENTEES.items():
        if local == "mentee":  # Kemi is mentored in the spring cohort
            continue
        person = mentees[local]
        user = User.objects.get(email=person.email)
        _place(cohort, user, "mentee", intake, _profile(person))
    for local, name, profession, band, setting, step in IN_PROGRESS:
        user = _user(f"{local}@{DOMAIN}", name, organisation, Role.MENTEE)
        Participant.objects.get_or_create(
            cohort=cohort,
            user=user,
            side="mentee",
            defaults={
                "status": Participant.Status.INTAKE,
                "intake_step": step,
                "profession": profession,
                "band": band,
                "work_setting": setting,
                "region": "yorkshire_and_the_humber",
                "values": ["kindness", "family"] if step == "you" else [],
                "working_style": ["collaborative"] if step == "you" else [],
                "openness": 4.0 if step == "you" else None,
                "conscientiousness": 4.0 if step == "you" else None,
            },
        )
    return cohort
