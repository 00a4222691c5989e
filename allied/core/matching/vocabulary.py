"""Controlled vocabularies for matching, as plain tuples of (code, label).

The web app imports these for its intake forms, and the spreadsheet reader accepts either the code
or the label (case does not matter). Codes are stable: stored data and programme files use them.
"""

from __future__ import annotations

Choices = tuple[tuple[str, str], ...]

# The 14 allied health professions as NHS England counts them: radiography is one profession with
# two registered titles, so it is one entry here.
ALLIED_HEALTH_PROFESSIONS: Choices = (
    ("art_therapist", "Art therapist"),
    ("dramatherapist", "Dramatherapist"),
    ("music_therapist", "Music therapist"),
    ("podiatrist", "Chiropodist or podiatrist"),
    ("dietitian", "Dietitian"),
    ("occupational_therapist", "Occupational therapist"),
    ("operating_department_practitioner", "Operating department practitioner"),
    ("orthoptist", "Orthoptist"),
    ("osteopath", "Osteopath"),
    ("paramedic", "Paramedic"),
    ("physiotherapist", "Physiotherapist"),
    ("prosthetist_orthotist", "Prosthetist or orthotist"),
    ("radiographer", "Radiographer (diagnostic or therapeutic)"),
    ("speech_and_language_therapist", "Speech and language therapist"),
)

OTHER_HEALTH_AND_CARE_PROFESSIONS: Choices = (
    ("nurse", "Nurse"),
    ("nursing_associate", "Nursing associate"),
    ("midwife", "Midwife"),
    ("doctor", "Doctor"),
    ("dentist", "Dentist or dental care professional"),
    ("pharmacist", "Pharmacist"),
    ("pharmacy_technician", "Pharmacy technician"),
    ("optometrist", "Optometrist"),
    ("clinical_scientist", "Clinical scientist"),
    ("biomedical_scientist", "Biomedical scientist"),
    ("practitioner_psychologist", "Practitioner psychologist"),
    ("hearing_aid_dispenser", "Hearing aid dispenser"),
    ("social_worker", "Social worker"),
    ("support_worker", "Healthcare or therapy support worker"),
    ("care_worker", "Care worker"),
    ("manager", "Manager or leader (non-clinical)"),
    ("academic", "Academic or researcher"),
    ("other_profession", "Other health or care profession"),
)

PROFESSIONS: Choices = ALLIED_HEALTH_PROFESSIONS + OTHER_HEALTH_AND_CARE_PROFESSIONS

AGENDA_FOR_CHANGE_BANDS: Choices = (
    ("band_2", "Band 2"),
    ("band_3", "Band 3"),
    ("band_4", "Band 4"),
    ("band_5", "Band 5"),
    ("band_6", "Band 6"),
    ("band_7", "Band 7"),
    ("band_8a", "Band 8a"),
    ("band_8b", "Band 8b"),
    ("band_8c", "Band 8c"),
    ("band_8d", "Band 8d"),
    ("band_9", "Band 9"),
)

# For people outside Agenda for Change (social care, voluntary and independent sectors, retired).
CAREER_STAGES: Choices = (
    ("student", "Student"),
    ("early_career", "Early career"),
    ("mid_career", "Mid career"),
    ("senior", "Senior practitioner"),
    ("leader", "Leader or consultant"),
)

# A band or a career stage; "mentor at a higher band" compares within one of the two scales only.
BANDS: Choices = AGENDA_FOR_CHANGE_BANDS + CAREER_STAGES

WORK_SETTINGS: Choices = (
    ("nhs", "NHS"),
    ("social_care", "Social care"),
    ("voluntary_sector", "Voluntary sector"),
    ("independent_sector", "Independent sector"),
    ("education", "Higher education"),
    ("local_authority", "Local authority"),
    ("retired", "Retired"),
    ("other_setting", "Other"),
)

REGIONS: Choices = (
    ("north_east", "North East"),
    ("north_west", "North West"),
    ("yorkshire_and_the_humber", "Yorkshire and the Humber"),
    ("east_midlands", "East Midlands"),
    ("west_midlands", "West Midlands"),
    ("east_of_england", "East of England"),
    ("london", "London"),
    ("south_east", "South East"),
    ("south_west", "South West"),
    ("wales", "Wales"),
    ("scotland", "Scotland"),
    ("northern_ireland", "Northern Ireland"),
)

PREFER_NOT_TO_SAY = "prefer_not_to_say"

# The ONS 2021 census ethnic groups (England and Wales), as used in NHS workforce data.
ETHNIC_GROUPS: Choices = (
    ("asian_bangladeshi", "Asian, Asian British or Asian Welsh: Bangladeshi"),
    ("asian_chinese", "Asian, Asian British or Asian Welsh: Chinese"),
    ("asian_indian", "Asian, Asian British or Asian Welsh: Indian"),
    ("asian_pakistani", "Asian, Asian British or Asian Welsh: Pakistani"),
    ("asian_other", "Asian, Asian British or Asian Welsh: Any other Asian background"),
    ("black_african", "Black, Black British, Black Welsh, Caribbean or African: African"),
    ("black_caribbean", "Black, Black British, Black Welsh, Caribbean or African: Caribbean"),
    (
        "black_other",
        "Black, Black British, Black Welsh, Caribbean or African: Any other Black, Black British or Caribbean background",
    ),
    ("mixed_white_asian", "Mixed or Multiple ethnic groups: White and Asian"),
    ("mixed_white_black_african", "Mixed or Multiple ethnic groups: White and Black African"),
    ("mixed_white_black_caribbean", "Mixed or Multiple ethnic groups: White and Black Caribbean"),
    (
        "mixed_other",
        "Mixed or Multiple ethnic groups: Any other Mixed or Multiple ethnic background",
    ),
    ("white_british", "White: English, Welsh, Scottish, Northern Irish or British"),
    ("white_irish", "White: Irish"),
    ("white_gypsy_traveller", "White: Gypsy or Irish Traveller"),
    ("white_roma", "White: Roma"),
    ("white_other", "White: Any other White background"),
    ("other_arab", "Other ethnic group: Arab"),
    ("other_any", "Other ethnic group: Any other ethnic group"),
    (PREFER_NOT_TO_SAY, "Prefer not to say"),
)

# The five high-level ONS 2021 groups; a person's broad group follows from their ethnic group.
BROAD_ETHNIC_GROUPS: Choices = (
    ("asian", "Asian, Asian British or Asian Welsh"),
    ("black", "Black, Black British, Black Welsh, Caribbean or African"),
    ("mixed", "Mixed or Multiple ethnic groups"),
    ("white", "White"),
    ("other", "Other ethnic group"),
)

GENDERS: Choices = (
    ("woman", "Woman"),
    ("man", "Man"),
    ("non_binary", "Non-binary"),
    ("other_gender", "In another way"),
    (PREFER_NOT_TO_SAY, "Prefer not to say"),
)

MEETING_MODES: Choices = (
    ("online", "Online"),
    ("in_person", "In person"),
    ("either", "Either"),
)

AVAILABILITY: Choices = (
    ("weekday_mornings", "Weekday mornings"),
    ("weekday_lunchtimes", "Weekday lunchtimes"),
    ("weekday_afternoons", "Weekday afternoons"),
    ("weekday_evenings", "Weekday evenings"),
    ("weekends", "Weekends"),
)

# Deep-level items: values and working style, chosen from short lists so that they can be compared.
VALUES: Choices = (
    ("honesty", "Honesty"),
    ("humility", "Humility"),
    ("integrity", "Integrity"),
    ("authenticity", "Authenticity"),
    ("courage", "Courage"),
    ("kindness", "Kindness"),
    ("fairness", "Fairness and justice"),
    ("curiosity", "Curiosity"),
    ("service", "Service to patients and communities"),
    ("excellence", "Excellence"),
    ("collaboration", "Collaboration"),
    ("family", "Family"),
    ("faith", "Faith"),
    ("independence", "Independence"),
)

WORKING_STYLES: Choices = (
    ("structured", "Structured and planned"),
    ("flexible", "Flexible and spontaneous"),
    ("reflective", "Reflective"),
    ("action_oriented", "Action-oriented"),
    ("direct", "Direct"),
    ("diplomatic", "Diplomatic"),
    ("big_picture", "Big-picture"),
    ("detail_focused", "Detail-focused"),
    ("collaborative", "Collaborative"),
    ("independent", "Independent"),
)

CAREER_GOALS: Choices = (
    ("promotion", "Promotion to a higher band"),
    ("leadership", "Leadership and management"),
    ("advanced_practice", "Advanced or consultant practice"),
    ("research", "Research and a clinical academic career"),
    ("education", "Education and teaching"),
    ("change_setting", "Moving to another setting or specialty"),
    ("return_to_practice", "Returning to practice"),
    ("confidence", "Confidence in the current role"),
)

# What a mentee needs and what a mentor offers share one list, so that they can be compared. The
# themes follow the study's mentoring model: sponsorship, allyship, surface characteristics, peers.
SUPPORT_TOPICS: Choices = (
    ("career_direction", "Direction for career progression"),
    ("sponsorship", "Sponsorship: opening doors and putting my name forward"),
    ("networking", "Networking opportunities"),
    ("clinical_skills", "Clinical skills"),
    ("leadership_skills", "Leadership skills"),
    ("applications_interviews", "Applications and interviews"),
    ("race_and_racism", "Talking about race and racism at work"),
    ("confidence_building", "Building confidence and self-esteem"),
    ("psychological_safety", "A safe space to talk"),
    ("research_skills", "Research and publishing"),
    ("teaching_skills", "Teaching and supervision"),
    ("wellbeing", "Wellbeing and workload"),
    ("role_model", "A visible role model"),
    ("peer_support", "Peer support and mentoring circles"),
)

# The four questions of the study's mentoring model, each with how much it counts by default.
NEEDS_QUESTIONS: Choices = (
    ("need", "What I need"),
    ("require", "What I require"),
    ("help", "What can help me"),
    ("support", "What can support me"),
)

PREFERENCE_KINDS: Choices = (
    ("same", "Same as me"),
    ("different", "Different from me"),
    ("one_of", "One of these"),
    ("none", "No preference"),
)

PREFERENCE_STRENGTHS: Choices = (
    ("essential", "Essential"),
    ("important", "Important"),
    ("nice_to_have", "Nice to have"),
)

# The attributes a preference can be about. Ethnic group and gender are the sensitive ones: a
# participant's own view never states another person's value of them.
PREFERENCE_ATTRIBUTES: Choices = (
    ("profession", "Profession"),
    ("band", "Band or career stage"),
    ("work_setting", "Work setting"),
    ("region", "Region"),
    ("ethnic_group", "Ethnic group"),
    ("broad_ethnic_group", "Broad ethnic group"),
    ("gender", "Gender"),
    ("languages", "Language"),
    ("meeting_mode", "Meeting mode"),
)

SENSITIVE_ATTRIBUTES: frozenset[str] = frozenset({"ethnic_group", "broad_ethnic_group", "gender"})

# Which vocabulary each preference attribute takes its values from; languages are free text.
ATTRIBUTE_VOCABULARIES: dict[str, Choices] = {
    "profession": PROFESSIONS,
    "band": BANDS,
    "work_setting": WORK_SETTINGS,
    "region": REGIONS,
    "ethnic_group": ETHNIC_GROUPS,
    "broad_ethnic_group": BROAD_ETHNIC_GROUPS,
    "gender": GENDERS,
    "meeting_mode": MEETING_MODES,
}


# Lookups by the identity of a vocabulary tuple (kept alive alongside, so the identity cannot be
# reused), so that explaining a large cohort does not scan a list of codes hundreds of thousands
# of times. Tuples built on the fly would pile up, so the cache starts again when it grows.
_LABELS: dict[int, tuple[Choices, dict[str, str]]] = {}


def label(choices: Choices, code: str) -> str:
    """Return the label for `code` in `choices`, or `code` itself when it is not listed."""
    known = _LABELS.get(id(choices))
    if known is None or known[0] is not choices:
        table: dict[str, str] = {}
        for candidate, text in choices:
            table.setdefault(candidate, text)  # the first listing wins, as a scan would
        if len(_LABELS) > 256:
            _LABELS.clear()
        known = _LABELS[id(choices)] = (choices, table)
    return known[1].get(code, code)


def codes(choices: Choices) -> frozenset[str]:
    """Return the set of codes in `choices`."""
    return frozenset(code for code, _ in choices)


def broad_ethnic_group(ethnic_group: str) -> str:
    """Return the broad ONS group code for a detailed ethnic group code, or "" if there is none."""
    if not ethnic_group or ethnic_group == PREFER_NOT_TO_SAY:
        return ""
    prefix = ethnic_group.split("_", 1)[0]
    return prefix if prefix in codes(BROAD_ETHNIC_GROUPS) else ""


def band_rank(band: str) -> tuple[str, int] | None:
    """Return (scale, position) for a band or career stage, or None for an unknown one.

    Two bands can be compared only when their scales are equal.
    """
    for scale, choices in (("afc", AGENDA_FOR_CHANGE_BANDS), ("stage", CAREER_STAGES)):
        for position, (code, _) in enumerate(choices):
            if code == band:
                return scale, position
    return None
