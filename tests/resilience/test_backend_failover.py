"""A signed-in user keeps working while a Reflex backend is SIGKILLed under them.

Reflex keeps each tab's state in Redis and nginx spreads connections over both backends, so
when the backend holding the websocket dies the client reconnects through nginx to the other
one, which loads the same state: still signed in, same page data. Each backend is killed in
turn (whichever held the socket, one of the two kills hits it).
"""

from __future__ import annotations

import time
import uuid

from playwright.sync_api import expect
from sqlalchemy import text
from sqlmodel import Session

from tests.e2e.conftest import sign_in, wait_for_app
from vibecoder.domain.accounts import auth

PASSWORD = "quartz-meadow-2026"


def _display_name(prod_local, email: str) -> str:
    with prod_local.engine.connect() as conn:
        return conn.execute(
            text(
                "select p.display_name from profiles p join users u on u.id = p.user_id"
                " where u.email = :e"
            ),
            {"e": email},
        ).scalar_one()


def test_next_action_after_a_backend_dies_keeps_the_session(prod_local, prod_page):
    page = prod_page
    email = f"failover-{uuid.uuid4().hex[:8]}@example.com"
    with Session(prod_local.engine) as session:
        auth.register(session=session, email=email, password=PASSWORD)
        session.commit()
    sign_in(page, prod_local, email, PASSWORD, "/account")
    expect(page.locator("#account-email")).to_contain_text(email)

    for round_, backend in enumerate(["backend.1", "backend.2"], start=1):
        killed = prod_local.kill(backend)
        name = f"After kill {round_}"
        page.fill("#display_name", name)
        page.get_by_role("button", name="Save profile").click()
        # Served by the surviving backend, with the same signed-in state and page data.
        deadline = time.monotonic() + 60
        while _display_name(prod_local, email) != name:
            assert time.monotonic() < deadline, "the save after the kill never arrived"
            time.sleep(0.3)
        expect(page.get_by_text("Profile saved.")).to_be_visible()
        expect(page.locator("#account-email")).to_contain_text(email)
        # A full reload goes through nginx again: still signed in.
        page.reload()
        wait_for_app(page)
        expect(page.locator("#account-email")).to_contain_text(email)
        expect(page.locator("#display_name")).to_have_value(name)
        # The supervisor replaces the dead backend (compose's restart policy).
        prod_local.wait_restarted(backend, killed)
        prod_local.wait_healthy()
