"""Try-before-you-buy runs and verified test runs of listing versions.

The web process only records a queued run and enqueues it (after commit); a worker on the
`sandbox` queue copies the version's files out of the blob store into a private directory,
hands them to the standalone `sandbox` runner (read-only at /code) and stores the result.
The runner never sees the database; this module never runs untrusted code itself.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

import redis
from pydantic import BaseModel
from sqlmodel import Session, select

from vibecoder.domain.analytics import events as analytics_events
from vibecoder.domain.catalog import listings as catalog
from vibecoder.errors import NotFound, RateLimited, ValidationFailed
from vibecoder.infra import dispatch, ratelimit, storage
from vibecoder.models.catalog import Listing, ListingVersion
from vibecoder.models.sandbox import SandboxRun
from vibecoder.models.users import User
from vibecoder.settings import get_settings

MAX_STDIN_BYTES = 64 * 1024
MAX_ARGS = 20
MAX_ARG_CHARS = 500
STORED_OUTPUT_CHARS = 200_000
EVENTS_CHANNEL = "sandbox:run:{public_id}"
EXECUTE_TASK = "workers.sandbox.execute_run"
FINISHED = ("done", "failed", "refused")
RUNNABLE = {".py": "python", ".js": "node", ".mjs": "node", ".cjs": "node"}


class RunView(BaseModel):
    public_id: str
    status: str
    kind: str
    entry_point: str
    exit_code: int | None
    signal: int | None
    limit_reason: str
    error: str
    wall_ms: int | None
    cpu_ms: int | None
    peak_memory_kb: int | None
    stdout: str
    stderr: str
    stdout_truncated: bool
    stderr_truncated: bool
    tests_passed: int | None
    tests_failed: int | None
    tests_skipped: int | None


def run_view(run: SandboxRun) -> RunView:
    return RunView(
        public_id=run.public_id,
        status=run.status,
        kind=run.kind,
        entry_point=run.entry_point or "",
        exit_code=run.exit_code,
        signal=run.signal,
        limit_reason=run.limit_reason or "",
        error=run.error or "",
        wall_ms=run.wall_ms,
        cpu_ms=run.cpu_ms,
        peak_memory_kb=run.peak_memory_kb,
        stdout=run.stdout,
        stderr=run.stderr,
        stdout_truncated=run.stdout_truncated,
        stderr_truncated=run.stderr_truncated,
        tests_passed=run.tests_passed,
        tests_failed=run.tests_failed,
        tests_skipped=run.tests_skipped,
    )


def runnable_files(*, session: Session, version_id: int) -> list[str]:
    """Entry points a buyer can choose: Python and JavaScript files, mains first, no tests."""
    paths = [
        f.path
        for f in catalog.files_of(session=session, version_id=version_id)
        if not f.is_binary and PurePosixPath(f.path).suffix in RUNNABLE and not _is_test(f.path)
    ]
    main_names = ("main.py", "index.js", "cli.py", "app.py", "main.js", "server.js")
    return sorted(paths, key=lambda p: (PurePosixPath(p).name not in main_names, p.count("/"), p))


def _is_test(path: str) -> bool:
    name = PurePosixPath(path).name
    return (
        name.startswith("test_")
        or name.endswith(("_test.py", ".test.js", ".test.mjs", ".spec.js"))
        or "tests" in PurePosixPath(path).parts[:-1]
    )


def language_of(path: str) -> str:
    language = RUNNABLE.get(PurePosixPath(path).suffix)
    if language is None:
        raise ValidationFailed("not_runnable", "Only Python and JavaScript files can be run.")
    return language


def _check_quota(redis_client: redis.Redis, *, user: User | None, ip: str) -> None:
    settings = get_settings()
    checks = [("sandbox-ip", ip, settings.sandbox_runs_per_ip_per_hour)]
    if user is not None:
        checks.append(("sandbox-user", str(user.id), settings.sandbox_runs_per_user_per_hour))
    for name, key, limit in checks:
        if not ratelimit.allowed(name, key, limit=f"{limit}/hour"):
            raise RateLimited(
                "sandbox_quota",
                f"You have used your {limit} sandbox runs for this hour. Try again later.",
                retry_after=ratelimit.retry_after(name, key, limit=f"{limit}/hour"),
            )
    for name, key, limit in checks:
        ratelimit.hit(name, key, limit=f"{limit}/hour")


def _runnable_version(
    *, session: Session, listing_id: int, viewer: User | None, what: str
) -> ListingVersion:
    """The latest version of a listing the viewer can see (anything else is "not found")."""
    listing = session.get(Listing, listing_id)
    if listing is None or not catalog.can_view(session, viewer, listing):
        raise NotFound("listing_not_found", "This listing does not exist or is not available.")
    version = catalog.latest_version(session=session, listing_id=listing.id)
    if version is None:
        raise ValidationFailed("no_version", f"This listing has no published version to {what}.")
    return version


def _queue(
    session: Session,
    version: ListingVersion,
    *,
    kind: str,
    language: str,
    viewer: User | None = None,
    starter: str = "",
    stdin: str = "",
    **fields,
) -> SandboxRun:
    """Store the run and send it to the sandbox queue once the transaction commits. A run
    started by someone is theirs: their account, or (signed out) their browser tab."""
    run = SandboxRun(
        public_id=secrets.token_urlsafe(12),
        listing_id=version.listing_id,
        version_id=version.id,
        user_id=viewer.id if viewer else None,
        starter_hash=_starter_hash(starter) if viewer is None and starter else None,
        kind=kind,
        language=language,
        **fields,
    )
    session.add(run)
    session.flush()
    dispatch.send(EXECUTE_TASK, run.public_id, stdin, session=session)
    return run


def request_run(
    *,
    session: Session,
    redis_client: redis.Redis,
    listing_id: int,
    viewer: User | None,
    ip: str,
    entry_point: str,
    starter: str = "",
    stdin: str = "",
    args: list[str] | None = None,
) -> SandboxRun:
    """Queue a run of the listing's latest version; anyone who can see the listing may run it."""
    version = _runnable_version(session=session, listing_id=listing_id, viewer=viewer, what="run")
    if entry_point not in runnable_files(session=session, version_id=version.id):
        raise ValidationFailed("bad_entry_point", "Choose one of the listing's runnable files.")
    args = [str(a) for a in (args or [])]
    if len(args) > MAX_ARGS or any(len(a) > MAX_ARG_CHARS for a in args):
        raise ValidationFailed(
            "bad_args", f"At most {MAX_ARGS} arguments of {MAX_ARG_CHARS} chars."
        )
    if len(stdin.encode()) > MAX_STDIN_BYTES:
        raise ValidationFailed("stdin_too_large", "Standard input is limited to 64 KB.")
    _check_quota(redis_client, user=viewer, ip=ip)
    return _queue(
        session,
        version,
        kind="run",
        language=language_of(entry_point),
        viewer=viewer,
        starter=starter,
        stdin=stdin,
        entry_point=entry_point,
        args=args,
    )


def request_test_run(*, session: Session, version_id: int) -> SandboxRun | None:
    """Queue the version's own tests (pytest or node --test); None when it has no tests."""
    version = session.get(ListingVersion, version_id)
    if version is None:
        raise NotFound("version_not_found", "No such version.")
    files = [f.path for f in catalog.files_of(session=session, version_id=version_id)]
    language = detect_test_language(files)
    if language is None:
        return None
    return _queue(session, version, kind="test", language=language)


def request_visitor_test_run(
    *,
    session: Session,
    redis_client: redis.Redis,
    listing_id: int,
    viewer: User | None,
    ip: str,
    starter: str = "",
) -> SandboxRun:
    """Queue the latest version's own tests for a visitor ("Run tests" behind the verified
    badge), on the visitor's sandbox quota. The result is the visitor's, like a run's; the
    badge keeps showing the verification run made at publishing (`is_verification`)."""
    version = _runnable_version(session=session, listing_id=listing_id, viewer=viewer, what="test")
    files = [f.path for f in catalog.files_of(session=session, version_id=version.id)]
    language = detect_test_language(files)
    if language is None:
        raise ValidationFailed("no_tests", "This listing's latest version has no tests to run.")
    _check_quota(redis_client, user=viewer, ip=ip)
    return _queue(session, version, kind="test", language=language, viewer=viewer, starter=starter)


def is_verification():
    """SQL condition: a test run queued by publishing (no account or visitor started it)."""
    return (
        (SandboxRun.kind == "test")
        & SandboxRun.user_id.is_(None)
        & SandboxRun.starter_hash.is_(None)
    )


def detect_test_language(paths: list[str]) -> str | None:
    tests = [p for p in paths if _is_test(p)]
    if any(p.endswith(".py") for p in tests):
        return "python"
    if any(p.endswith((".js", ".mjs", ".cjs")) for p in tests):
        return "node"
    return None


def materialize(*, session: Session, version_id: int, dest: Path) -> None:
    """Copy a version's files out of the blob store into `dest` (a fresh private directory)."""
    store = storage.get_blob_store()
    root = dest.resolve()
    for item in catalog.files_of(session=session, version_id=version_id):
        target = (root / item.path).resolve()
        # Paths were validated at upload; check again so a bad row can never write outside.
        if root not in target.parents:
            raise ValidationFailed("unsafe_path", f"Refusing to write {item.path}")
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "wb") as handle:
            for chunk in store.open_stream(item.sha256):
                handle.write(chunk)
        os.chmod(target, 0o644)
    for directory, _dirs, _files in os.walk(root):
        os.chmod(directory, 0o755)  # noqa: S103 - the sandbox uid must read the code


def limits_from_settings():
    from sandbox.models import MB, Limits

    settings = get_settings()
    return Limits(
        wall_seconds=settings.sandbox_wall_seconds,
        cpu_seconds=settings.sandbox_cpu_seconds,
        memory_bytes=settings.sandbox_memory_mb * MB,
        processes=settings.sandbox_max_processes,
        output_bytes=settings.sandbox_max_output_bytes,
        file_bytes=settings.sandbox_max_file_bytes,
    )


def publish_event(redis_client: redis.Redis, run: SandboxRun) -> None:
    redis_client.publish(
        EVENTS_CHANNEL.format(public_id=run.public_id),
        json.dumps({"status": run.status, "public_id": run.public_id}),
    )


def _clip(data: str) -> str:
    return data if len(data) <= STORED_OUTPUT_CHARS else data[:STORED_OUTPUT_CHARS]


def _lease_key(public_id: str) -> str:
    return f"vc:sandbox:lease:{public_id}"


def take_lease(redis_client: redis.Redis, public_id: str) -> None:
    # The run itself is capped at its wall clock; the rest is materialising and storing.
    ttl = int(get_settings().sandbox_wall_seconds * 2) + 15
    redis_client.set(_lease_key(public_id), "1", ex=ttl)


def drop_lease(redis_client: redis.Redis, public_id: str) -> None:
    redis_client.delete(_lease_key(public_id))


def has_lease(redis_client: redis.Redis, public_id: str) -> bool:
    return bool(redis_client.exists(_lease_key(public_id)))


def execute_run(
    *, session: Session, redis_client: redis.Redis, public_id: str, stdin: str
) -> SandboxRun | None:
    """Worker side: run (or re-run, if redelivered) a queued sandbox run and store the result.

    None when the run does not exist (its listing was deleted since)."""
    import sandbox
    from sandbox.errors import SandboxBusy, SandboxUnavailable
    from sandbox.models import RunRequest

    run = session.exec(
        select(SandboxRun).where(SandboxRun.public_id == public_id).with_for_update()
    ).first()
    if run is None or run.status in FINISHED:
        return run  # already finished: a redelivered task does nothing (nor counts it again)
    run.status = "running"
    session.add(run)
    session.commit()
    # A lease outliving the run's wall clock: if this worker dies, it lapses and the reaper
    # (vibecoder/domain/sandbox_runs/reaper.py) ends the run with a clear message.
    take_lease(redis_client, public_id)
    publish_event(redis_client, run)
    workdir = Path(tempfile.mkdtemp(prefix="vibecoder-run-"))
    try:
        code_dir = workdir / "code"
        code_dir.mkdir()
        materialize(session=session, version_id=run.version_id, dest=code_dir)
        os.chmod(workdir, 0o755)  # noqa: S103 - the sandbox uid must reach /code
        limits = limits_from_settings()
        if run.kind == "test":
            outcome = sandbox.run_tests(code_dir, run.language, limits)
            result = outcome.run
            run.tests_passed, run.tests_failed = outcome.passed, outcome.failed + outcome.errors
            run.tests_skipped = outcome.skipped
        else:
            result = sandbox.run(
                RunRequest(
                    language=run.language,
                    files_dir=code_dir,
                    entry=run.entry_point,
                    args=list(run.args or []),
                    stdin=stdin,
                    limits=limits,
                )
            )
        run.status = "done"
        run.exit_code, run.signal = result.exit_code, result.signal
        run.limit_reason = result.limit_reason.value if result.limit_reason else None
        run.wall_ms = int(result.wall_seconds * 1000)
        # The docker backend cannot read CPU time once the container is gone.
        run.cpu_ms = int(result.cpu_seconds * 1000) if result.cpu_seconds is not None else None
        run.peak_memory_kb = (
            result.peak_memory_bytes // 1024 if result.peak_memory_bytes is not None else None
        )
        run.stdout = _clip(result.stdout.decode("utf-8", "replace"))
        run.stderr = _clip(result.stderr.decode("utf-8", "replace"))
        run.stdout_truncated, run.stderr_truncated = (
            result.stdout_truncated,
            result.stderr_truncated,
        )
    except SandboxBusy:
        # Every isolation slot is taken: back to the queue; the task retries with backoff.
        run.status = "queued"
        session.add(run)
        session.commit()
        raise
    except SandboxUnavailable as exc:
        run.status, run.error = "refused", str(exc)[:2000]
    except ValidationFailed as exc:
        run.status, run.error = "failed", exc.message
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        drop_lease(redis_client, public_id)
    run.finished_at = datetime.now(UTC)
    # A run redelivered while an earlier delivery was still running (acks_late) may finish
    # twice; only the delivery that finishes it first counts it, in the same commit as the
    # result, so a crash between the two can neither lose nor double the analytics event.
    with session.no_autoflush:
        stored = session.exec(
            select(SandboxRun.status).where(SandboxRun.id == run.id).with_for_update()
        ).one()
    if stored not in FINISHED and run.kind == "run" and run.status == "done":
        analytics_events.record_sandbox_run(
            session=session, listing_id=run.listing_id, user_id=run.user_id, at=run.finished_at
        )
    session.add(run)
    session.commit()
    publish_event(redis_client, run)
    return run


def test_label(run: SandboxRun | None) -> str:
    """How a version's test run reads in a badge: '12 passed', '2 failed', 'running'…"""
    if run is None:
        return ""
    if run.status in ("queued", "running"):
        return "tests " + run.status
    if run.status != "done":
        return "tests could not run"
    if run.limit_reason:
        return f"tests stopped ({run.limit_reason})"
    if run.tests_failed:
        return f"{run.tests_failed} failed, {run.tests_passed or 0} passed"
    return f"{run.tests_passed or 0} passed" + (
        f", {run.tests_skipped} skipped" if run.tests_skipped else ""
    )


def latest_test_runs(*, session: Session, version_ids: list[int]) -> dict[int, SandboxRun]:
    runs: dict[int, SandboxRun] = {}
    if not version_ids:
        return runs
    for run in session.exec(
        select(SandboxRun)
        .where(SandboxRun.version_id.in_(version_ids), is_verification())
        .order_by(SandboxRun.created_at)
    ):
        runs[run.version_id] = run
    return runs


def _starter_hash(starter: str) -> str:
    return hashlib.sha256(("sandbox-starter:" + starter).encode()).hexdigest()


def get_run(
    *, session: Session, public_id: str, viewer: User | None, starter: str = ""
) -> SandboxRun | None:
    """A run for whoever started it: its account, or the visitor session (`starter`, the
    browser's client token) of a signed-out run. Verification test runs (the verified badge)
    are public. Anyone else gets None, like for a run that does not exist."""
    run = session.exec(select(SandboxRun).where(SandboxRun.public_id == public_id)).first()
    if run is None or (run.kind == "test" and run.user_id is None and not run.starter_hash):
        return run
    if run.user_id is not None:
        return run if viewer is not None and viewer.id == run.user_id else None
    if (
        starter
        and run.starter_hash
        and hmac.compare_digest(run.starter_hash, _starter_hash(starter))
    ):
        return run
    return None


def latest_test_run(*, session: Session, version_id: int) -> SandboxRun | None:
    return session.exec(
        select(SandboxRun)
        .where(SandboxRun.version_id == version_id, is_verification())
        .order_by(SandboxRun.created_at.desc())
        .limit(1)
    ).first()


FINISHED_STATUSES = ("done", "failed", "refused")


def owned_run(*, session: Session, public_id: str, user: User) -> SandboxRun:
    """The user's own run; anyone else's (or an anonymous one) is "not found"."""
    run = get_run(session=session, public_id=public_id[:64], viewer=user)
    if run is None or run.user_id is None or run.user_id != user.id:
        raise NotFound("run_not_found", "No such sandbox run.")
    return run
