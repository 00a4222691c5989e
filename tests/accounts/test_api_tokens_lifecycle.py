"""Random sequences of what people do to their credentials, through the pages and the API,
with one rule checked after every step: a token works exactly while its owner has changed
neither password, sessions nor roles since it was made, and it has been neither revoked nor
outlived.

An admin (Alice) changes the roles of Max and Mia; Max and Mia make tokens, use and revoke
them, change or reset their passwords and sign out everywhere. Someone granted a role that
needs two-factor, without an authenticator, is sent to set it up by every page and cannot
make a token, so nothing they try there changes anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import seed, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from allied.accounts.models import ApiToken, Organisation, Role
from tests.conftest import PASSWORD, create_person, sign_in

pytestmark = pytest.mark.django_db

ROLES = [Role.MENTOR, Role.MENTEE, Role.FACILITATOR, Role.COORDINATOR]


@dataclass
class Person:
    user: object
    password: str = PASSWORD
    roles: frozenset = frozenset()
    tokens: dict = field(default_factory=dict)  # name -> (secret, alive)

    def blocked(self) -> bool:
        """Holds a role that needs two-factor, with no authenticator: pages send them to
        set it up, and the token endpoint refuses them."""
        return bool(self.roles & set(Role.NEEDS_TWO_FACTOR))

    def end_all(self):
        self.tokens = {name: (secret, False) for name, (secret, _) in self.tokens.items()}


def signed_in(person: Person) -> Client:
    """A browser signed in as the person now (their password may have changed since)."""
    person.user.refresh_from_db()
    return sign_in(Client(), person.user)


@seed(20261206)
class TokenLifecycle(RuleBasedStateMachine):
    runs = 0

    @initialize()
    def an_organisation_with_an_admin_a_mentor_and_a_mentee(self):
        TokenLifecycle.runs += 1
        run = TokenLifecycle.runs
        self.organisation = Organisation.objects.create(name=f"Trust {run}", slug=f"trust-{run}")
        self.admin = create_person(
            f"admin{run}@trust.example", "Alice Admin", self.organisation, Role.ORG_ADMIN
        )
        self.people = [
            Person(
                create_person(
                    f"{name.lower()}{run}@trust.example",
                    f"{name} Person",
                    self.organisation,
                    role,
                    two_factor=False,
                ),
                roles=frozenset({role}),
            )
            for name, role in (("Max", Role.MENTOR), ("Mia", Role.MENTEE))
        ]
        self.made = 0
        # Everyone starts with a token, so every change has one to end.
        for person in self.people:
            self.make_token_for(person)

    def person(self, data) -> Person:
        return data.draw(st.sampled_from(self.people))

    def token_of(self, data) -> tuple[Person, str]:
        person = data.draw(st.sampled_from([p for p in self.people if p.tokens]))
        return person, data.draw(st.sampled_from(sorted(person.tokens)))

    def any_tokens(self) -> bool:
        return any(p.tokens for p in self.people)

    def make_token_for(self, person: Person):
        self.made += 1
        name = f"Token {self.made}"
        response = Client().post(
            reverse("workshops:api_token_create"),
            {"email": person.user.email, "password": person.password, "name": name},
            "application/json",
        )
        if person.blocked():
            assert response.status_code == 403
            return
        assert response.status_code == 201, response.content
        person.tokens[name] = (response.json()["token"], True)

    @rule(data=st.data())
    def make_a_token_by_the_api(self, data):
        self.make_token_for(self.person(data))

    @precondition(any_tokens)
    @rule(data=st.data())
    def use_a_token(self, data):
        person, name = self.token_of(data)
        secret, alive = person.tokens[name]
        response = Client().get("/api/programmes/", HTTP_AUTHORIZATION=f"Bearer {secret}")
        assert response.status_code == (200 if alive else 401), (name, response.content)

    @precondition(any_tokens)
    @rule(data=st.data())
    def revoke_a_token_on_the_account_page(self, data):
        person, name = self.token_of(data)
        secret, _ = person.tokens[name]
        token = ApiToken.objects.get(user=person.user, name=name)
        response = signed_in(person).post(reverse("accounts:token_revoke", args=[token.pk]))
        if person.blocked():
            assert response["Location"] == reverse("accounts:two_factor_setup")
            return
        assert response["Location"] == reverse("accounts:account")
        person.tokens[name] = (secret, False)

    @precondition(any_tokens)
    @rule(data=st.data())
    def revoke_a_token_by_the_api(self, data):
        person, name = self.token_of(data)
        secret, alive = person.tokens[name]
        response = Client().delete(
            reverse("workshops:api_token_revoke"), HTTP_AUTHORIZATION=f"Bearer {secret}"
        )
        assert response.status_code == (200 if alive else 401)
        person.tokens[name] = (secret, False)

    @precondition(any_tokens)
    @rule(data=st.data())
    def a_token_outlives_its_days(self, data):
        person, name = self.token_of(data)
        ApiToken.objects.filter(user=person.user, name=name).update(expires_at=timezone.now())
        person.tokens[name] = (person.tokens[name][0], False)

    @rule(data=st.data())
    def change_ones_password(self, data):
        person = self.person(data)
        self.made += 1
        new = f"a new passphrase number {self.made}"
        response = signed_in(person).post(
            reverse("accounts:password_change"),
            {"old_password": person.password, "new_password1": new, "new_password2": new},
        )
        if person.blocked():
            assert response["Location"] == reverse("accounts:two_factor_setup")
            return
        assert response["Location"] == reverse("accounts:account")
        person.password = new
        person.end_all()

    @rule(data=st.data())
    def reset_a_forgotten_password_by_email(self, data):
        person = self.person(data)
        self.made += 1
        new = f"a reset passphrase number {self.made}"
        client = Client()
        sent = len(mail.outbox)
        client.post(reverse("accounts:password_reset"), {"email": person.user.email})
        link = re.search(r"http://\S+", mail.outbox[sent].body).group(0)
        form = client.get("/" + link.split("://", 1)[1].split("/", 1)[1], follow=True)
        done = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
        assert done["Location"] == reverse("accounts:password_reset_done")
        person.password = new
        person.end_all()

    @rule(data=st.data())
    def sign_out_everywhere(self, data):
        person = self.person(data)
        response = signed_in(person).post(reverse("accounts:sign_out_everywhere"))
        if person.blocked():
            assert response["Location"] == reverse("accounts:two_factor_setup")
            return
        person.end_all()

    @rule(data=st.data(), roles=st.sets(st.sampled_from(ROLES), max_size=2))
    def the_admin_sets_someones_roles(self, data, roles):
        person = self.person(data)
        if not person.roles:
            return  # removed from the organisation: the roles page no longer finds them
        response = sign_in(Client(), self.admin).post(
            reverse("accounts:person_roles", args=[self.organisation.slug, person.user.pk]),
            {"roles": sorted(roles)},
        )
        assert response.status_code == 302
        if frozenset(roles) != person.roles:
            person.end_all()
        person.roles = frozenset(roles)

    @invariant()
    def the_live_tokens_are_the_ones_expected_and_the_account_page_lists_them(self):
        if not hasattr(self, "people"):
            return
        for person in self.people:
            expected = {name for name, (_, alive) in person.tokens.items() if alive}
            live = set(
                ApiToken.objects.live().filter(user=person.user).values_list("name", flat=True)
            )
            assert live == expected, (person.user.full_name, live, expected)
            if not person.blocked():
                response = signed_in(person).get(reverse("accounts:account"))
                assert response.status_code == 200
                page = response.content.decode()
                listed = set(
                    re.findall(r"<span class=\"allied-token-name\">(Token \d+)</span>", page)
                )
                assert listed == expected


# As many examples as the hypothesis profile gives (`make test-deep` gives many more), from a
# fixed seed, as the circles' state machine does.
TokenLifecycle.TestCase.settings = settings(derandomize=False, database=None)


def test_any_sequence_ends_tokens_exactly_when_it_should(db):
    TokenLifecycle.TestCase().runTest()
