"""A mentoring programme on each side of the access matrix's world.

Own side (Alder): Carol coordinates "Alder mentoring"; Mia is a mentee and Max a mentor in its
cohort, in an active relationship with an agreement, a held meeting with shared and private
notes, a goal, a sponsorship action, a review and a concern. Alice is Alder's admin.
Other side (Birch): the same, coordinated by nobody (Olga is Birch's admin), between Omar
(mentee) and Orla (mentor). Areas add their own objects in `tests/programmes/world_*.py`.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from allied.accounts.models import Role


def build(world: dict, make_person) -> dict:
    from allied.programmes.models import (
        Agreement,
        Cohort,
        Concern,
        Goal,
        GoalAction,
        Meeting,
        Participant,
        PrivateNote,
        Programme,
        Relationship,
        Review,
        SpecialCategory,
        SponsorshipAction,
    )

    added: dict = {}
    omar = make_person("omar@birch.example", "Omar Mentee", world["other"], Role.MENTEE)
    orla = make_person("orla@birch.example", "Orla Mentor", world["other"], Role.MENTOR)
    sides = (
        ("own", world["own"], world["carol"], world["mia"], world["max_mentor"]),
        ("other", world["other"], None, omar, orla),
    )
    for side, organisation, coordinator, mentee_user, mentor_user in sides:
        programme = Programme.objects.create(
            organisation=organisation, name=f"{organisation.name} mentoring"
        )
        if coordinator:
            programme.coordinators.add(coordinator)
        cohort = Cohort.objects.create(
            programme=programme,
            name="Spring cohort",
            starts_on=date(2026, 4, 1),
            ends_on=date(2027, 3, 31),
            status=Cohort.Status.RUNNING,
        )
        mentee = Participant.objects.create(
            cohort=cohort,
            user=mentee_user,
            side="mentee",
            status=Participant.Status.READY,
            profession="occupational_therapist",
            band="band_5",
            needs_need=["career_direction"],
            preferences={"profession": {"kind": "same", "strength": "important"}},
        )
        SpecialCategory.objects.create(
            participant=mentee,
            ethnic_group="black_african",
            gender="woman",
            monitoring_consent=True,
            matching_consent=True,
            gender_matching_consent=True,
            consent_recorded_at=timezone.now(),
        )
        mentor = Participant.objects.create(
            cohort=cohort,
            user=mentor_user,
            side="mentor",
            status=Participant.Status.READY,
            profession="occupational_therapist",
            band="band_7",
            capacity=2,
            offers=["career_direction"],
        )
        relationship = Relationship.objects.create(
            cohort=cohort,
            mentee=mentee,
            mentor=mentor,
            status=Relationship.Status.ACTIVE,
            source=Relationship.Source.COORDINATOR,
            started_at=timezone.now() - timedelta(days=60),
        )
        Agreement.objects.create(
            relationship=relationship,
            what_i_need=f"{side}: confidence to apply for band 6",
            mentee_signed_version=1,
            mentor_signed_version=1,
            mentee_signed_at=timezone.now(),
            mentor_signed_at=timezone.now(),
        )
        meeting = Meeting.objects.create(
            relationship=relationship,
            starts_at=timezone.now() - timedelta(days=30),
            status=Meeting.Status.HELD,
            shared_notes=f"{side} shared notes",
            logged_at=timezone.now() - timedelta(days=29),
        )
        for author in (mentee_user, mentor_user):
            PrivateNote.objects.create(
                meeting=meeting, author=author, text=f"{side} private note of {author.email}"
            )
        goal = Goal.objects.create(
            relationship=relationship, title=f"{side}: apply for a band 6 role"
        )
        action = GoalAction.objects.create(goal=goal, text="Update my CV")
        sponsorship = SponsorshipAction.objects.create(
            relationship=relationship,
            kind=SponsorshipAction.Kind.INTRODUCTION,
            description=f"{side}: introduced to the regional AHP network",
            happened_on=date(2026, 5, 1),
            recorded_by=mentor_user,
        )
        review = Review.objects.create(
            relationship=relationship,
            stage=Review.Stage.MID,
            author=mentee_user,
            side="mentee",
            satisfaction=4,
            trust=5,
            psychological_safety=4,
            expectations_met=Review.Expectations.YES,
            allyship=5,
        )
        concern = Concern.objects.create(
            programme=programme,
            relationship=relationship,
            raised_by=mentee_user,
            text=f"{side}: a concern",
        )
        added.update(
            {
                f"programme_{side}": programme,
                f"cohort_{side}": cohort,
                f"mentee_place_{side}": mentee,
                f"mentor_place_{side}": mentor,
                f"relationship_{side}": relationship,
                f"meeting_{side}": meeting,
                f"goal_{side}": goal,
                f"goal_action_{side}": action,
                f"sponsorship_{side}": sponsorship,
                f"review_{side}": review,
                f"concern_{side}": concern,
            }
        )
    added["omar"] = omar
    added["orla"] = orla
    from tests.programmes import (
        world_allyship,
        world_api,
        world_circles,
        world_intake,
        world_matching,
        world_outcomes,
        world_relationship,
        world_setup,
    )

    for area in (
        world_setup,
        world_intake,
        world_matching,
        world_relationship,
        world_api,
        world_circles,
        world_allyship,
        world_outcomes,
    ):
        added.update(area.add({**world, **added}, make_person))
    return added


def programme_role(persona: str, side: str) -> str | None:
    """The persona's role in that side's programme, as `allied.programmes.access` names it."""
    if side == "other":
        return "admin" if persona == "olga" else None
    return {"alice": "admin", "carol": "coordinator", "max_mentor": "mentor", "mia": "mentee"}.get(
        persona
    )
