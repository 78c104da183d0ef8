"""`python -m vibecoder COMMAND`: the operator's entry point.

Every command uses DATABASE_URL/REDIS_URL when set, else the embedded services of
VIBECODER_DATA_DIR (joined when another process runs them, started otherwise).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from vibecoder.infra import runtime, toolchain
from vibecoder.infra.heavy import BACKGROUND_NICE
from vibecoder.settings import PROJECT_ROOT, get_settings

log = logging.getLogger("vibecoder")

WORKER_QUEUES = "default,agent,embeddings,sandbox"
CommandHandler = Callable[[argparse.Namespace], int]
_EXTRA_COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = []


def register_commands(add: Callable[[argparse._SubParsersAction], None]) -> None:
    """Let feature modules add their subcommands (reindex, search, build, sandbox, …)."""
    _EXTRA_COMMANDS.append(add)


def _with_services(handler: CommandHandler, *, schema: bool = True) -> CommandHandler:
    def wrapped(args: argparse.Namespace) -> int:
        runtime.ensure_services()
        try:
            if schema and not ensure_schema():
                return 2
            return handler(args)
        finally:
            runtime.stop_owned_services()

    return wrapped


# --- db ---------------------------------------------------------------------------------------


def upgrade_database() -> None:
    from alembic.config import Config

    from alembic import command

    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "alembic"))
    config.attributes["skip_logging"] = True
    command.upgrade(config, "head")


def schema_revisions() -> tuple[str | None, str | None]:
    """(the database's alembic revision, the code's head revision)."""
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from vibecoder.infra.db import get_engine

    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "alembic"))
    head = ScriptDirectory.from_config(config).get_current_head()
    with get_engine().connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    return current, head


def ensure_schema() -> bool:
    """Make a command work on a fresh data dir: migrate an empty or embedded database first.

    A configured (DATABASE_URL) database that is behind is not migrated behind the operator's
    back: the command says in one line what to run and returns False.
    """
    current, head = schema_revisions()
    if current == head:
        return True
    embedded = not get_settings().database_url or runtime.owns_services()
    if current is None or embedded:
        what = "empty database" if current is None else f"database at revision {current}"
        print(f"{what}: applying migrations first", file=sys.stderr, flush=True)
        upgrade_database()
        return True
    print(
        f"the database is at revision {current}, this code needs {head}: "
        "run `python -m vibecoder db upgrade` first",
        file=sys.stderr,
    )
    return False


def cmd_db(args: argparse.Namespace) -> int:
    if args.db_command == "upgrade":
        upgrade_database()
        print("database is at the latest migration")
    return 0


# --- seed / users -----------------------------------------------------------------------------


def cmd_seed(args: argparse.Namespace) -> int:
    from vibecoder.domain.catalog.seed import seed_demo_data

    summary = seed_demo_data(only_if_empty=args.if_empty)
    print(json.dumps(summary) if args.json else summary.get("message", summary))
    return 0


def cmd_createuser(args: argparse.Namespace) -> int:
    from vibecoder.domain.accounts import auth
    from vibecoder.errors import ServiceError
    from vibecoder.infra.db import session_scope
    from vibecoder.models.users import Role

    if not args.password_stdin:
        print(
            "createuser: pass the password on standard input with --password-stdin", file=sys.stderr
        )
        return 2
    password = sys.stdin.readline().rstrip("\n")
    try:
        with session_scope() as session:
            user = auth.register(
                session=session,
                email=args.email,
                password=password,
                username=args.username,
                role=Role(args.role),
            )
            print(f"created {user.role} {user.email} (username {user.username}, id {user.id})")
    except ServiceError as exc:
        print(f"createuser: {exc.message}", file=sys.stderr)
        return 1
    return 0


# --- long-running processes -------------------------------------------------------------------


def worker_command(*, concurrency: int = 2, queues: str = WORKER_QUEUES) -> list[str]:
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "workers.celery_app",
        "worker",
        "-Q",
        queues,
        "-c",
        str(concurrency),
        "--loglevel",
        "INFO",
        "--without-gossip",
        "--without-mingle",
        "-n",
        f"vibecoder-{os.getpid()}@%h",
    ]


def beat_command() -> list[str]:
    """Celery beat: the periodic jobs (session purge, analytics rollups), its schedule file in
    the data dir so a restart does not re-run everything at once."""
    schedule = get_settings().data_dir / "celerybeat-schedule"
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "workers.celery_app",
        "beat",
        "--schedule",
        str(schedule),
        "--loglevel",
        "INFO",
    ]


def cmd_worker(args: argparse.Namespace) -> int:
    runtime.ensure_services()
    if not ensure_schema():
        return 2
    env = dict(os.environ)
    proc = subprocess.Popen(
        worker_command(concurrency=args.concurrency, queues=args.queues), env=env, cwd=PROJECT_ROOT
    )
    return _supervise([proc], names=["celery"])


def cmd_services(args: argparse.Namespace) -> int:
    urls = runtime.ensure_services()
    if not runtime.owns_services():
        print("# embedded services already run by another process of this data dir", flush=True)
    for key, value in urls.as_env().items():
        print(f"{key}={value}", flush=True)
    if not runtime.owns_services():
        return 0
    stop = _install_stop_handlers()
    while not stop["requested"]:
        time.sleep(0.2)
    runtime.stop_owned_services()
    return 0


def cmd_dev(args: argparse.Namespace) -> int:
    from vibecoder.builder import capabilities

    if get_settings().environment == "production":
        # Reflex's production server wants the frontend and backend on one port, behind a
        # proxy: that is `make prod-local` (nginx) or docker compose, never the dev server.
        print(
            "`vibecoder dev` is the development server and refuses VIBECODER_ENVIRONMENT="
            "production; run the production topology with `make prod-local` or "
            "`docker compose up` (README, docs/operations.md).",
            file=sys.stderr,
            flush=True,
        )
        return 2

    # Probed while the database starts (Chromium's start is the slow part), printed before the
    # app: a missing tool is named here, not discovered by a user's first build or run.
    probing = ThreadPoolExecutor(max_workers=1, thread_name_prefix="capabilities")
    report = probing.submit(capabilities.capabilities)
    probing.shutdown(wait=False)
    urls = runtime.ensure_services()
    try:
        upgrade_database()
        from vibecoder.domain.catalog.seed import seed_demo_data

        summary = seed_demo_data(only_if_empty=True)
        print(summary.get("message", summary), flush=True)
        print("capabilities of this server:", flush=True)
        print("\n".join(capabilities.summary_lines(report.result())), flush=True)
    except BaseException:
        runtime.stop_owned_services()
        raise
    settings = get_settings()
    env = toolchain.reflex_env()
    env.update(urls.as_env())
    # Workers at the heavy pool's lower priority: on one machine (a laptop, two cores) a
    # reindex or a sandbox run must not take the CPU from the page a person is clicking.
    background = ["nice", "-n", str(BACKGROUND_NICE)] if shutil.which("nice") else []
    worker = subprocess.Popen([*background, *worker_command()], env=env, cwd=PROJECT_ROOT)
    beat = subprocess.Popen(beat_command(), env=env, cwd=PROJECT_ROOT)
    reflex_cmd = [
        sys.executable,
        "-m",
        "reflex",
        "run",
        "--env",
        "dev",
        "--frontend-port",
        str(settings.frontend_port),
        "--backend-port",
        str(settings.backend_port),
        "--loglevel",
        "info",
    ]
    app = subprocess.Popen(reflex_cmd, env=env, cwd=PROJECT_ROOT, start_new_session=True)
    print(
        f"VibeCoder starting at http://localhost:{settings.frontend_port} "
        f"(API on :{settings.backend_port}); Ctrl-C stops everything",
        flush=True,
    )
    return _supervise([app, worker, beat], names=["reflex", "celery", "celery beat"])


def _install_stop_handlers() -> dict[str, bool]:
    state = {"requested": False}

    def handler(signum: int, frame: object) -> None:
        state["requested"] = True

    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)
    return state


def _terminate(proc: subprocess.Popen, name: str, timeout: float = 20.0) -> None:
    if proc.poll() is not None:
        return
    # Whole process group when the child leads its own (reflex runs node/bun and the backend
    # server as its children); never a group it merely belongs to: that is ours, or the
    # caller's (a shell, a test runner), and killing it would take them down too.
    leads_group = False
    with contextlib.suppress(ProcessLookupError, PermissionError):
        leads_group = os.getpgid(proc.pid) == proc.pid
    with contextlib.suppress(ProcessLookupError, PermissionError):
        if leads_group:
            os.killpg(proc.pid, signal.SIGTERM)
        else:
            proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        log.warning("%s did not stop in %ss; killing it", name, timeout)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            if leads_group:
                os.killpg(proc.pid, signal.SIGKILL)
        proc.kill()
        proc.wait()
    # Anything left in its group (a node grandchild ignoring SIGTERM) goes too.
    if leads_group:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)


def _supervise(procs: list[subprocess.Popen], *, names: list[str]) -> int:
    """Run until a signal or until any child dies; then stop all children, then the services."""
    stop = _install_stop_handlers()
    exit_code = 0
    try:
        while not stop["requested"]:
            for proc, name in zip(procs, names, strict=True):
                code = proc.poll()
                if code is not None:
                    print(f"{name} exited with code {code}; stopping", file=sys.stderr, flush=True)
                    exit_code = code or 1
                    stop["requested"] = True
                    break
            time.sleep(0.3)
    finally:
        for proc, name in zip(procs, names, strict=True):
            _terminate(proc, name)
        runtime.stop_owned_services()
    return exit_code


# --- parser -----------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m vibecoder", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    dev = sub.add_parser("dev", help="start everything: services, migrations, worker, Reflex")
    dev.set_defaults(handler=cmd_dev)

    services = sub.add_parser(
        "services", help="run only the embedded Postgres and Redis, print their URLs"
    )
    services.set_defaults(handler=cmd_services)

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help="apply all migrations (alembic upgrade head)")
    db.set_defaults(handler=_with_services(cmd_db, schema=False))

    seed = sub.add_parser("seed", help="load the demo catalog")
    seed.add_argument("--if-empty", action="store_true", help="only when there are no listings")
    seed.add_argument("--json", action="store_true")
    seed.set_defaults(handler=_with_services(cmd_seed))

    worker = sub.add_parser("worker", help="run a Celery worker")
    worker.add_argument("--concurrency", type=int, default=2)
    worker.add_argument("--queues", default=WORKER_QUEUES)
    worker.set_defaults(handler=cmd_worker)

    createuser = sub.add_parser("createuser", help="create an account")
    createuser.add_argument("--email", required=True)
    createuser.add_argument("--username")
    createuser.add_argument("--password-stdin", action="store_true")
    createuser.add_argument("--role", choices=["buyer", "seller", "admin"], default="buyer")
    createuser.set_defaults(handler=_with_services(cmd_createuser))

    import vibecoder.cli.api  # noqa: F401 - apikey, get
    import vibecoder.cli.build  # noqa: F401
    import vibecoder.cli.commands  # noqa: F401 - registers feature subcommands
    import vibecoder.cli.prod_local  # noqa: F401 - `prod` (make prod-local, the Procfile roles)
    import vibecoder.cli.sandbox  # noqa: F401

    for add in _EXTRA_COMMANDS:
        add(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    toolchain.ensure_tools_on_path()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    args = build_parser().parse_args(argv)
    from sqlalchemy.exc import ProgrammingError

    try:
        return int(args.handler(args) or 0)
    except ProgrammingError as exc:
        # Last line of defence: a missing table is an operator problem, not a traceback.
        if "does not exist" not in str(exc.orig):
            raise
        print(
            f"{args.command}: the database schema is missing or old "
            f"({str(exc.orig).splitlines()[0]}): run `python -m vibecoder db upgrade`",
            file=sys.stderr,
        )
        return 2
