"""Objects the matching area's access-matrix rows need, added to the shared world: on each
side, a draft matching run proposing the side's mentor to its mentee, and a shortlist
suggestion of that mentor to that mentee."""


def add(world: dict, make_person) -> dict:
    from allied.programmes.models import MatchRun, Proposal, ShortlistOffer

    added: dict = {}
    for side in ("own", "other"):
        run = MatchRun.objects.create(cohort=world[f"cohort_{side}"])
        added[f"proposal_{side}"] = Proposal.objects.create(
            run=run,
            mentee=world[f"mentee_place_{side}"],
            mentor=world[f"mentor_place_{side}"],
            score=1000,
            explanation=["Matched in the test world."],
        )
        added[f"offer_{side}"] = ShortlistOffer.objects.create(
            mentee=world[f"mentee_place_{side}"],
            mentor=world[f"mentor_place_{side}"],
            rank=1,
            explanation=["Your mentor can offer support with: career direction."],
        )
    return added


def small_cohort(world: dict, make_person, *, mode: str = "coordinator", capacity: int = 1):
    """A new programme of Alder's, coordinated by Carol, with one cohort in intake: three
    mentees (Ada, Bea, Cal) and two mentors (Dan, Eve) with `capacity` places each, all with
    complete intakes, ethnicity and gender given with matching consent. With capacity 1, one
    mentee is always left unmatched because every mentor is full.

    Returns a dict: programme, cohort, mentees (list), mentors (list)."""
    from datetime import date

    from django.utils import timezone

    from allied.accounts.models import Role
    from allied.programmes.models import (
        Cohort,
        Participant,
        Programme,
        SpecialCategory,
    )

    programme = Programme.objects.create(
        organisation=world["own"],
        name="Alder allyship mentoring",
        matching_mode=mode,
        shortlist_size=2,
    )
    programme.coordinators.add(world["carol"])
    cohort = Cohort.objects.create(
        programme=programme,
        name="Autumn cohort",
        starts_on=date(2026, 10, 1),
        ends_on=date(2027, 9, 30),
    )
    sensitive = [
        ("black_caribbean", "woman"),
        ("asian_indian", "man"),
        ("white_irish", "non_binary"),
        ("mixed_white_asian", "woman"),
        ("other_arab", "man"),
    ]
    people = {"mentee": [], "mentor": []}
    for n, (first, side) in enumerate(
        [
            ("Ada", "mentee"),
            ("Bea", "mentee"),
            ("Cal", "mentee"),
            ("Dan", "mentor"),
            ("Eve", "mentor"),
        ]
    ):
        user = make_person(
            f"{first.lower()}@alder.example",
            f"{first} {side.title()}",
            world["own"],
            Role.MENTEE if side == "mentee" else Role.MENTOR,
        )
        place = Participant.objects.create(
            cohort=cohort,
            user=user,
            side=side,
            status=Participant.Status.READY,
            intake_completed_at=timezone.now(),
            profession="occupational_therapist",
            band="band_5" if side == "mentee" else "band_7",
            work_setting="nhs",
            needs_need=["career_direction"] if side == "mentee" else [],
            offers=["career_direction", "leadership_skills"] if side == "mentor" else [],
            offer_text=f"{first} can help with career direction." if side == "mentor" else "",
            capacity=capacity if side == "mentor" else 1,
            preferences={
                "profession": {"kind": "same", "strength": "important"},
                "ethnic_group": {"kind": "same", "strength": "nice_to_have"},
                "gender": {"kind": "same", "strength": "nice_to_have"},
            },
        )
        ethnic_group, gender = sensitive[n]
        SpecialCategory.objects.create(
            participant=place,
            ethnic_group=ethnic_group,
            gender=gender,
            monitoring_consent=True,
            matching_consent=True,
            gender_matching_consent=True,
            consent_recorded_at=timezone.now(),
        )
        people[side].append(place)
    return {
        "programme": programme,
        "cohort": cohort,
        "mentees": people["mentee"],
        "mentors": people["mentor"],
    }
