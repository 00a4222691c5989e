"""The database stops mid-session and comes back: pages answer a clear 503 page and the API a
JSON 503 within 5 seconds, nothing is half-written, and the same server process works
again as soon as the database returns.

The database is a PostgreSQL cluster of the test's own (tests/pg_cluster.py), made from a
dump of the suite's migrated test database, so the server the suite uses is never stopped.
"""

from __future__ import annotations

import json
import time

import psycopg
import pytest

from tests.pg_cluster import (  # noqa: F401  (pg_cluster: a fixture)
    Browser,
    add_person,
    allied_env,
    migrated_copy,
    pg_cluster,
)
from tests.servers import free_port, start_uvicorn, stop

pytestmark = pytest.mark.postgres

PASSWORD = "a-long-outage-password"
EMAIL = "pat.outage@example.org"


def test_pages_and_the_api_answer_503_while_the_database_is_down_and_recover_by_themselves(
    pg_cluster,  # noqa: F811
    db,
    tmp_path,
):
    url = migrated_copy(pg_cluster)
    env = allied_env(url, tmp_path / "var")
    add_person(env, EMAIL, PASSWORD, "Pat Outage")
    port = free_port()
    server = start_uvicorn(env, port, tmp_path / "server.log")
    try:
        browser = Browser(f"http://127.0.0.1:{port}")
        browser.send("/sign-in/")
        status, body, _, _ = browser.send("/sign-in/", {"email": EMAIL, "password": PASSWORD})
        assert status == 200 and "Pat Outage" in body, body[:2000]
        status, body, _, _ = browser.send(
            "/api/tokens/", {"email": EMAIL, "password": PASSWORD}, {"Authorization": ""}
        )
        assert status == 201, body
        bearer = {"Authorization": f"Bearer {json.loads(body)['token']}"}

        pg_cluster.stop()

        status, body, content_type, seconds = browser.send("/dashboard/")
        assert status == 503 and content_type.startswith("text/html"), body[:2000]
        assert "Allied's database is not answering just now" in body and seconds < 5
        status, body, content_type, seconds = browser.send("/api/programmes/", headers=bearer)
        assert status == 503 and content_type == "application/json" and seconds < 5
        assert "database" in json.loads(body)["error"]
        status, body, _, seconds = browser.send(
            "/api/tokens/", {"email": EMAIL, "password": PASSWORD}, {"Authorization": ""}
        )
        assert status == 503 and seconds < 5
        load_balancer = Browser(browser.base)
        status, body, _, _ = load_balancer.send("/healthz")
        assert status == 503 and json.loads(body)["database"] is False

        pg_cluster.start()

        deadline = time.monotonic() + 20
        while (status := browser.send("/dashboard/")[0]) != 200 and time.monotonic() < deadline:
            time.sleep(0.5)
        assert status == 200, "Allied did not recover when the database returned"
        assert server.poll() is None
        status, body, _, _ = browser.send("/dashboard/")
        assert "Pat Outage" in body
        assert browser.send("/api/programmes/", headers=bearer)[0] == 200
        assert load_balancer.send("/healthz")[0] == 200
    except BaseException:
        print((tmp_path / "server.log").read_text(errors="replace")[-6000:])
        raise
    finally:
        stop(server)
    with psycopg.connect(url.replace("postgres://", "postgresql://")) as database:
        tokens = database.execute("SELECT count(*) FROM accounts_apitoken").fetchone()[0]
    assert tokens == 1, "the token request refused during the outage wrote nothing"
