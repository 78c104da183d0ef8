"""Sandbox runs in the product: queued by the web side, executed by a real worker in bubblewrap."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from sqlmodel import select

from tests.conftest import run_cli, wait_for
from vibecoder.domain.accounts import auth
from vibecoder.domain.catalog import files as listing_files
from vibecoder.domain.catalog import listings as catalog
from vibecoder.domain.sandbox_runs.panel import panel_for, view_of_run
from vibecoder.domain.sandbox_runs.runs import (
    latest_test_run,
    request_run,
    request_visitor_test_run,
    runnable_files,
)
from vibecoder.errors import NotFound, RateLimited, ValidationFailed
from vibecoder.models.analytics import AnalyticsEvent
from vibecoder.models.sandbox import SandboxRun
from vibecoder.models.users import Role, User

PASSWORD = "tangerine-bicycle-42"
MAIN = """import sys

def shout(text):
    return text.upper() + "!"

if __name__ == "__main__":
    data = sys.stdin.read().strip()
    print(shout(data or "hello"), *sys.argv[1:])
"""
TESTS = """from main import shout

def test_shout():
    assert shout("hi") == "HI!"

def test_empty():
    assert shout("") == "!"
"""


def _listing(db, files, status="publish"):
    seller = auth.register(session=db, email="s@example.com", password=PASSWORD, role=Role.seller)
    listing = catalog.create_listing(
        session=db,
        seller=seller,
        data={"title": "Shouter", "category": "CLI tools", "price_cents": 500},
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    buffer.seek(0)
    outcome = listing_files.add_uploaded_version(
        session=db,
        seller=seller,
        listing_id=listing.id,
        version="1.0.0",
        changelog="",
        uploads=[("code.zip", buffer)],
    )
    if status == "publish":
        listing_files.publish_scanned_version(
            session=db, seller=seller, version_id=outcome.version_id
        )
    db.commit()
    return listing


def _wait(db, public_id, timeout=60) -> SandboxRun:
    def finished() -> SandboxRun | None:
        db.expire_all()
        run = db.exec(select(SandboxRun).where(SandboxRun.public_id == public_id)).one()
        return run if run.status in ("done", "failed", "refused") else None

    return wait_for(finished, timeout=timeout, interval=0.2, message=f"run {public_id} unfinished")


def test_publishing_runs_the_versions_tests_for_the_verified_badge(db, celery_worker):
    listing = _listing(db, {"main.py": MAIN, "test_main.py": TESTS})
    run = db.exec(select(SandboxRun).where(SandboxRun.listing_id == listing.id)).one()
    assert run.kind == "test" and run.language == "python"
    run = _wait(db, run.public_id)
    assert run.status == "done", run.error
    assert (run.tests_passed, run.tests_failed) == (2, 0)


def test_a_visitor_runs_the_tests_behind_the_badge_and_only_they_see_the_report(
    db, redis_client, celery_worker, monkeypatch
):
    from vibecoder.settings import get_settings

    monkeypatch.setattr(get_settings(), "sandbox_runs_per_ip_per_hour", 1)
    broken = TESTS + "\ndef test_loud():\n    assert shout('a') == 'A?'\n"
    listing = _listing(db, {"main.py": MAIN, "test_main.py": broken})
    version_id = catalog.latest_version(session=db, listing_id=listing.id).id
    badge = _wait(db, latest_test_run(session=db, version_id=version_id).public_id)
    panel = panel_for(session=db, slug=listing.slug, viewer=None)
    assert panel.has_tests and panel.tests.public_id == badge.public_id

    def visitor_test_run(ip: str) -> SandboxRun:
        return request_visitor_test_run(
            session=db,
            redis_client=redis_client,
            listing_id=listing.id,
            viewer=None,
            ip=ip,
            starter="visitor-tab-token",
        )

    run = visitor_test_run("127.0.0.31")
    db.commit()
    run = _wait(db, run.public_id)
    assert run.status == "done", run.error
    assert (run.tests_passed, run.tests_failed) == (2, 1)
    assert "test_loud" in run.stdout + run.stderr
    # The report is the visitor's: their tab reads it, another tab gets "no such run".
    mine = view_of_run(
        session=db, public_id=run.public_id, viewer=None, starter="visitor-tab-token"
    )
    assert mine is not None and mine.tests_failed == 1
    assert view_of_run(session=db, public_id=run.public_id, viewer=None, starter="other") is None
    # The badge still shows publishing's verification run, not the visitor's.
    assert latest_test_run(session=db, version_id=version_id).public_id == badge.public_id
    # It spends the visitor's sandbox quota like a run does.
    with pytest.raises(RateLimited) as err:
        visitor_test_run("127.0.0.31")
    assert err.value.code == "sandbox_quota"


def test_run_tests_needs_a_version_with_tests(db, redis_client):
    listing = _listing(db, {"main.py": MAIN})
    assert not panel_for(session=db, slug=listing.slug, viewer=None).has_tests
    with pytest.raises(ValidationFailed) as err:
        request_visitor_test_run(
            session=db,
            redis_client=redis_client,
            listing_id=listing.id,
            viewer=None,
            ip="127.0.0.32",
        )
    assert err.value.code == "no_tests"
    assert db.exec(select(SandboxRun).where(SandboxRun.listing_id == listing.id)).all() == []


def test_visitor_runs_code_with_stdin_and_args(db, redis_client, celery_worker):
    listing = _listing(db, {"main.py": MAIN, "test_main.py": TESTS})
    assert runnable_files(
        session=db, version_id=catalog.latest_version(session=db, listing_id=listing.id).id
    ) == ["main.py"]
    run = request_run(
        session=db,
        redis_client=redis_client,
        listing_id=listing.id,
        viewer=None,
        ip="127.0.0.9",
        entry_point="main.py",
        stdin="vibes",
        args=["--loud"],
    )
    db.commit()
    run = _wait(db, run.public_id)
    assert run.status == "done", run.error
    assert run.exit_code == 0
    assert run.stdout.strip() == "VIBES! --loud"
    assert run.wall_ms is not None and run.wall_ms < 10_000
    # The analytics event is committed with the result: no wait needed once the run is done.
    assert _sandbox_run_events(db, listing.id) == 1


def _sandbox_run_events(db, listing_id: int) -> int:
    db.expire_all()
    return len(
        db.exec(
            select(AnalyticsEvent.id).where(
                AnalyticsEvent.kind == "sandbox_run", AnalyticsEvent.listing_id == listing_id
            )
        ).all()
    )


def test_a_redelivered_run_is_counted_once(db, redis_client, celery_worker):
    """Celery redelivers acks-late tasks (a worker killed after the run, a broker hiccup): the
    seller's dashboard must still count one run, not one per delivery."""
    from workers.sandbox import execute_run_task

    listing = _listing(db, {"main.py": MAIN})
    run = request_run(
        session=db,
        redis_client=redis_client,
        listing_id=listing.id,
        viewer=None,
        ip="127.0.0.21",
        entry_point="main.py",
        stdin="once",
        args=[],
    )
    db.commit()
    run = _wait(db, run.public_id)
    assert run.status == "done", run.error
    assert _sandbox_run_events(db, listing.id) == 1
    # The same task delivered twice more, as the broker would after a lost ack.
    execute_run_task(run.public_id, "once")
    execute_run_task(run.public_id, "once")
    assert _sandbox_run_events(db, listing.id) == 1


def test_runaway_code_is_stopped_with_the_reason(db, redis_client, celery_worker):
    listing = _listing(db, {"main.py": "while True:\n    pass\n"})
    run = request_run(
        session=db,
        redis_client=redis_client,
        listing_id=listing.id,
        viewer=None,
        ip="127.0.0.10",
        entry_point="main.py",
    )
    db.commit()
    run = _wait(db, run.public_id, timeout=90)
    assert run.status == "done"
    assert run.limit_reason in ("cpu", "timeout")


def test_bad_requests_are_refused_before_queueing(db, redis_client):
    listing = _listing(db, {"main.py": MAIN})
    with pytest.raises(ValidationFailed):
        request_run(
            session=db,
            redis_client=redis_client,
            listing_id=listing.id,
            viewer=None,
            ip="127.0.0.1",
            entry_point="../../etc/passwd",
        )
    with pytest.raises(ValidationFailed):
        request_run(
            session=db,
            redis_client=redis_client,
            listing_id=listing.id,
            viewer=None,
            ip="127.0.0.1",
            entry_point="main.py",
            stdin="x" * (70 * 1024),
        )
    draft = _listing_draft(db)
    with pytest.raises(NotFound):
        request_run(
            session=db,
            redis_client=redis_client,
            listing_id=draft.id,
            viewer=None,
            ip="127.0.0.1",
            entry_point="main.py",
        )
    db.rollback()
    assert db.exec(select(SandboxRun).where(SandboxRun.kind == "run")).first() is None


def _listing_draft(db):
    seller = auth.register(session=db, email="d@example.com", password=PASSWORD, role=Role.seller)
    listing = catalog.create_listing(
        session=db,
        seller=seller,
        data={"title": "Hidden draft", "category": "CLI tools", "price_cents": 500},
    )
    db.commit()
    return listing


def test_per_ip_quota(db, redis_client, monkeypatch):
    from vibecoder.settings import get_settings

    monkeypatch.setattr(get_settings(), "sandbox_runs_per_ip_per_hour", 2)
    listing = _listing(db, {"main.py": MAIN})
    for _ in range(2):
        request_run(
            session=db,
            redis_client=redis_client,
            listing_id=listing.id,
            viewer=None,
            ip="127.0.0.77",
            entry_point="main.py",
        )
    with pytest.raises(RateLimited) as err:
        request_run(
            session=db,
            redis_client=redis_client,
            listing_id=listing.id,
            viewer=None,
            ip="127.0.0.77",
            entry_point="main.py",
        )
    assert err.value.code == "sandbox_quota"


def test_cli_runs_a_file_and_prints_json(tmp_path):
    script = tmp_path / "hello.py"
    script.write_text("import sys\nprint('hi', sys.stdin.read())\n")
    stdin = tmp_path / "in.txt"
    stdin.write_text("there")
    result = run_cli(
        "sandbox", "run", "--lang", "python", "--file", str(script), "--stdin", str(stdin), "--json"
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["stdout"].strip() == "hi there"
    assert data["exit_code"] == 0 and data["limit_reason"] is None


def test_failing_tests_show_on_the_version_with_their_output(db, celery_worker):
    from vibecoder.domain.catalog.detail import listing_view

    broken = TESTS.replace('== "!"', '== "?"')
    listing = _listing(db, {"main.py": MAIN, "test_main.py": broken})
    run = db.exec(select(SandboxRun).where(SandboxRun.listing_id == listing.id)).one()
    run = _wait(db, run.public_id)
    assert (run.tests_passed, run.tests_failed) == (1, 1)
    assert "test_empty" in run.stdout + run.stderr
    view = listing_view(session=db, slug=listing.slug, viewer=None)
    assert view.versions[0].tests == "1 failed, 1 passed"
    assert view.versions[0].tests_ok is False


def test_the_sellers_defaults_are_what_run_in_sandbox_starts_with(db):
    listing = _listing(db, {"main.py": MAIN, "tools/other.py": "print('other')\n"})
    seller = db.get(User, listing.seller_id)
    base = {"title": "Shouter", "category": "CLI tools", "price_cents": 500}
    catalog.update_listing(
        session=db,
        seller=seller,
        listing_id=listing.id,
        data={
            **base,
            "run_entry_point": " tools/other.py ",
            "run_args": "--loud 'two words'",
            "run_stdin": "vibes\nmore vibes",
        },
    )
    db.commit()
    panel = panel_for(session=db, slug=listing.slug, viewer=None)
    assert (panel.entry_point, panel.args, panel.stdin) == (
        "tools/other.py",
        "--loud 'two words'",
        "vibes\nmore vibes",
    )
    # An update that does not know the defaults (the API, an import) keeps them.
    catalog.update_listing(
        session=db, seller=seller, listing_id=listing.id, data={**base, "summary": "Louder."}
    )
    db.commit()
    assert panel_for(session=db, slug=listing.slug, viewer=None).args == "--loud 'two words'"
    # Unbalanced quotes and a second line are refused with the field named; nothing is saved.
    for field, value in (("run_args", "--name 'unclosed"), ("run_entry_point", "a.py\nb.py")):
        with pytest.raises(ValidationFailed) as err:
            catalog.update_listing(
                session=db, seller=seller, listing_id=listing.id, data={**base, field: value}
            )
        assert err.value.field == field
        db.rollback()
    # A file the latest version cannot run (renamed since) falls back to the first runnable one.
    catalog.update_listing(
        session=db,
        seller=seller,
        listing_id=listing.id,
        data={**base, "run_entry_point": "gone.py"},
    )
    db.commit()
    assert panel_for(session=db, slug=listing.slug, viewer=None).entry_point == "main.py"
