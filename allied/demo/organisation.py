"""The demo organisation: clearly fictional, loaded by `allied demo` and `make run`.

Loading is idempotent: every row is looked up by a natural key first, so running it twice
changes nothing. Later capabilities add their part of the story here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from allied.accounts.models import Membership, Organisation, Role, User

DEMO_PASSWORD = "allied-demo-password"  # noqa: S105 - printed for newcomers; demo only
ORGANISATION = ("Northbrook Valley NHS Foundation Trust (demo)", "northbrook-valley-demo")
DOMAIN = "northbrook.example"


@dataclass(frozen=True)
class DemoPerson:
    email: str
    full_name: str
    roles: tuple[str, ...]
    # Kept for the mentoring programme's intake profiles; fictional and realistic.
    profession: str = ""
    band: str = ""
    setting: str = ""


STAFF = [
    DemoPerson(f"admin@{DOMAIN}", "Grace Mensah", (Role.ORG_ADMIN,)),
    DemoPerson(f"coordinator@{DOMAIN}", "Priya Raman", (Role.COORDINATOR,)),
    DemoPerson(f"facilitator@{DOMAIN}", "Daniel Okafor", (Role.FACILITATOR,)),
]

MENTORS = [
    ("mentor", "Amara Nwosu", "occupational_therapist", "8b", "nhs"),
    ("mentor.02", "Rajesh Patel", "physiotherapist", "8a", "nhs"),
    ("mentor.03", "Helen Carter", "speech_and_language_therapist", "8c", "nhs"),
    ("mentor.04", "Yusuf Ahmed", "paramedic", "8a", "nhs"),
    ("mentor.05", "Chen Wei", "diagnostic_radiographer", "8b", "independent"),
    ("mentor.06", "Folake Adeyemi", "dietitian", "8a", "nhs"),
    ("mentor.07", "Margaret Doyle", "occupational_therapist", "9", "retired"),
    ("mentor.08", "Sunita Kaur", "podiatrist", "7", "social_care"),
    ("mentor.09", "Marcus Campbell", "operating_department_practitioner", "8a", "nhs"),
    ("mentor.10", "Leila Haddad", "music_therapist", "8a", "voluntary"),
    ("mentor.11", "Tom Whitfield", "therapeutic_radiographer", "8c", "nhs"),
    ("mentor.12", "Nadia Hussain", "orthoptist", "8b", "nhs"),
]

MENTEES = [
    ("mentee", "Kemi Adebayo", "occupational_therapist", "6", "nhs"),
    ("mentee.02", "Arjun Sharma", "physiotherapist", "5", "nhs"),
    ("mentee.03", "Blessing Okoro", "dietitian", "6", "nhs"),
    ("mentee.04", "Mei Lin", "speech_and_language_therapist", "6", "social_care"),
    ("mentee.05", "Tariq Mahmood", "paramedic", "6", "nhs"),
    ("mentee.06", "Chipo Moyo", "occupational_therapist", "5", "social_care"),
    ("mentee.07", "Ravi Gill", "podiatrist", "6", "independent"),
    ("mentee.08", "Abena Boateng", "diagnostic_radiographer", "7", "nhs"),
    ("mentee.09", "Samira Khan", "art_therapist", "6", "voluntary"),
    ("mentee.10", "Jamal Wright", "operating_department_practitioner", "5", "nhs"),
    ("mentee.11", "Thandiwe Dube", "physiotherapist", "7", "nhs"),
    ("mentee.12", "Hannah Osei", "orthoptist", "6", "nhs"),
    ("mentee.13", "Imran Qureshi", "prosthetist_orthotist", "6", "independent"),
    ("mentee.14", "Zainab Bello", "dramatherapist", "7", "voluntary"),
    ("mentee.15", "Deepa Nair", "therapeutic_radiographer", "6", "nhs"),
    ("mentee.16", "Kwame Asante", "osteopath", "6", "independent"),
    ("mentee.17", "Aisha Yusuf", "speech_and_language_therapist", "5", "nhs"),
    ("mentee.18", "Luis Fernandes", "music_therapist", "6", "social_care"),
    ("mentee.19", "Esther Mwangi", "dietitian", "7", "nhs"),
    ("mentee.20", "Vikram Rao", "paramedic", "7", "nhs"),
]


def demo_people() -> list[DemoPerson]:
    people = list(STAFF)
    people += [
        DemoPerson(f"{local}@{DOMAIN}", name, (Role.MENTOR,), p, b, s)
        for local, name, p, b, s in MENTORS
    ]
    people += [
        DemoPerson(f"{local}@{DOMAIN}", name, (Role.MENTEE,), p, b, s)
        for local, name, p, b, s in MENTEES
    ]
    return people


SIGN_INS = [
    ("Organisation admin", f"admin@{DOMAIN}"),
    ("Programme coordinator", f"coordinator@{DOMAIN}"),
    ("Workshop facilitator", f"facilitator@{DOMAIN}"),
    ("Mentor", f"mentor@{DOMAIN}"),
    ("Mentee", f"mentee@{DOMAIN}"),
]


# The demo's parts, in loading order; each part brings the parts it stands on.
PARTS = ("workshops", "programmes", "reports", "allyship", "circles")
NEEDS = {"reports": {"programmes"}, "allyship": {"programmes"}, "circles": {"programmes"}}


@transaction.atomic
def load_demo(parts: Iterable[str] = PARTS) -> Organisation:
    """Returns the demo organisation with its people, creating whatever of it is missing, and
    loads the named parts of the demo (all of them unless told): a test of one app loads
    only that app's part, with the parts it stands on (circles brings the programme)."""
    unknown = set(parts) - set(PARTS)
    if unknown:
        raise ValueError(f"The demo has no part called {', '.join(sorted(unknown))}.")
    wanted = set(parts).union(*(NEEDS.get(part, set()) for part in parts))
    name, slug = ORGANISATION
    organisation, _ = Organisation.objects.get_or_create(slug=slug, defaults={"name": name})
    for person in demo_people():
        user = User.objects.filter(email=person.email).first()
        if user is None:
            user = User.objects.create_user(person.email, DEMO_PASSWORD, full_name=person.full_name)
        for role in person.roles:
            Membership.objects.get_or_create(user=user, organisation=organisation, role=role)
        if (
            user.requires_two_factor()
            and not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        ):
            TOTPDevice.objects.create(user=user, name="Demo authenticator", confirmed=True)
    if "workshops" in wanted:
        from allied.demo.workshops import load_demo_workshop

        load_demo_workshop(organisation, f"facilitator@{DOMAIN}")
    if "programmes" in wanted:
        from allied.demo.programmes import load_demo_programme

        programme = load_demo_programme(organisation)
    if "reports" in wanted:
        from allied.demo.reports import load_demo_workforce

        load_demo_workforce(programme, programme.coordinators.first())
    if "allyship" in wanted:
        from allied.demo.allyship import load_demo_allyship

        load_demo_allyship()
    if "circles" in wanted:
        from allied.demo.circles import load_demo_circles

        load_demo_circles()
    return organisation
