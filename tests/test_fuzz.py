"""Generated junk thrown at every form and endpoint: nothing may give a server error.

The Django test client re-raises any exception a view lets escape, so a 500 fails the test
with its traceback. Run once per `make test` (on PostgreSQL when it is there, where NUL
bytes and over-long values are most likely to break a query).
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import sign_in
from tests.test_access_matrix import ORGANISATION_URLS, PERSONAL_URLS

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]

FIELD_NAMES = [
    "email", "password", "code", "full_name", "password1", "password2", "old_password",
    "new_password1", "new_password2", "role", "roles", "kind", "since", "until", "page", "next",
]  # fmt: skip

junk_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=200, max_size=3000),
    st.just("\x00"),
    st.sampled_from(
        ["", " ", "0", "-1", "9" * 40, "2026-02-30", "null", "[]", "{}", "<script>", "’ OR 1=1 --"]
    ),
)
junk_value = st.one_of(junk_text, st.lists(junk_text, max_size=4))
junk_form = st.dictionaries(
    st.one_of(st.sampled_from(FIELD_NAMES), st.text(max_size=10)), junk_value, max_size=8
)


def url_for(name, world, side="own"):
    if name in ORGANISATION_URLS:
        return reverse(name, kwargs=ORGANISATION_URLS[name][2](world, side))
    builder = PERSONAL_URLS[name][1]
    return reverse(name, kwargs=builder(world) if builder else None)


@pytest.mark.parametrize("persona", ["anonymous", "alice", "mia"])
@pytest.mark.parametrize("name", sorted(set(ORGANISATION_URLS) | set(PERSONAL_URLS)))
def test_no_junk_gives_a_server_error(client, world, persona, name):
    if persona != "anonymous":
        sign_in(client, world[persona])
    url = url_for(name, world)

    @given(form=junk_form, query=junk_form)
    def throw(form, query):
        for response in (client.post(url, form), client.get(url, query)):
            assert response.status_code < 500

    throw()


@given(email=st.emails() | st.text(max_size=300), password=st.text(max_size=300))
def test_junk_sign_ins_never_break_and_never_sign_in(client, alice, email, password):
    response = client.post(reverse("accounts:sign_in"), {"email": email, "password": password})
    assert response.status_code in (200, 302)
    assert "_auth_user_id" not in client.session


def test_a_junk_invitation_token_is_not_found(client):
    for token in ["x" * 1000, "%00", "..", "ünïcode"]:
        assert client.get(f"/invitations/{token}/").status_code == 404
