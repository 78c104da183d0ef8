"""`make prod-local`: the production topology on one machine, no Docker, run by honcho.

This prepares what the Procfile's processes need and then becomes honcho:
  1. checks the system packages (Debian `nginx`, `redis-server`);
  2. in PROD_DIR (default data/prod-local): a persistent secret key and Redis password, a
     PostgreSQL cluster (initdb once), redis.conf (AOF on, password) and nginx.conf rendered
     from deploy/ (upstream = PROD_BACKENDS backends on consecutive ports);
  3. exports the frontend once (`reflex export --frontend-only`), again only when the app's
     sources or its public URL change;
  4. writes prod.env and execs `honcho start` with the Procfile (every process declared once;
     docker-compose.yml runs the same list, tests/unit/test_procfile_parity.py keeps them equal).

Ports: nginx on 127.0.0.1:PROD_HTTP_PORT (8080), previews on PROD_PREVIEW_PORT (8081),
backends on PROD_BACKEND_PORT.. (8100..), Postgres PROD_PG_PORT (15432), Redis PROD_REDIS_PORT
(16379). DATABASE_URL, when set, replaces the local Postgres process.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import secrets
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from string import Template

from vibecoder.cli import register_commands
from vibecoder.cli.prod_roles import prod_dir
from vibecoder.infra import toolchain
from vibecoder.infra.embedded import EmbeddedPostgres
from vibecoder.settings import PROJECT_ROOT

SYSTEM_PACKAGES = {"nginx": "nginx", "redis-server": "redis-server"}


def missing_system_packages() -> list[str]:
    """Debian packages whose command is missing. (A shared installer for every target may
    replace this; the prod target needs exactly these two.)"""
    return [pkg for command, pkg in SYSTEM_PACKAGES.items() if shutil.which(command) is None]


@dataclass(frozen=True)
class Topology:
    root: Path
    http_port: int
    preview_port: int
    backend_port: int
    backends: int
    pg_port: int
    redis_port: int
    app_url: str
    preview_url: str

    @classmethod
    def from_env(cls, env: dict[str, str]) -> Topology:
        http_port = int(env.get("PROD_HTTP_PORT", "8080"))
        preview_port = int(env.get("PROD_PREVIEW_PORT", str(http_port + 1)))
        backends = int(env.get("PROD_BACKENDS", "2"))
        if backends < 1:
            raise SystemExit("PROD_BACKENDS must be at least 1")
        return cls(
            root=prod_dir(),
            http_port=http_port,
            preview_port=preview_port,
            backend_port=int(env.get("PROD_BACKEND_PORT", "8100")),
            backends=backends,
            pg_port=int(env.get("PROD_PG_PORT", "15432")),
            redis_port=int(env.get("PROD_REDIS_PORT", "16379")),
            # "localhost" public URLs are rewritten to the host the browser used (Reflex's own
            # rule for its websocket URL), so the same export works at localhost and 127.0.0.1.
            app_url=env.get("VIBECODER_APP_URL") or f"http://localhost:{http_port}",
            preview_url=env.get("VIBECODER_PREVIEW_URL") or f"http://localhost:{preview_port}",
        )

    @property
    def backend_ports(self) -> list[int]:
        return [self.backend_port + i for i in range(self.backends)]


def _secret(path: Path, nbytes: int = 32) -> str:
    if not path.exists():
        path.write_text(secrets.token_urlsafe(nbytes))
        path.chmod(0o600)
    return path.read_text().strip()


def render(template: str, out: Path, **values: object) -> None:
    text = Template((PROJECT_ROOT / "deploy" / template).read_text()).safe_substitute(
        {k: str(v) for k, v in values.items()}
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)


def write_redis_conf(topo: Topology, password: str) -> Path:
    (topo.root / "redis").mkdir(parents=True, exist_ok=True)
    out = topo.root / "redis.conf"
    render(
        "redis-prod-local.conf",
        out,
        port=topo.redis_port,
        dir=topo.root / "redis",
        password=password,
    )
    out.chmod(0o600)
    return out


def write_nginx_conf(topo: Topology) -> Path:
    nginx_dir = topo.root / "nginx"
    for sub in ("tmp", "logs"):
        (nginx_dir / sub).mkdir(parents=True, exist_ok=True)
    upstream = "\n".join(
        f"    server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;" for port in topo.backend_ports
    )
    user = "root" if os.geteuid() == 0 else ""
    out = nginx_dir / "nginx.conf"
    render(
        "nginx-prod-local.conf",
        out,
        # Workers run as the invoking user: the exported files live in its (private) tree.
        user_directive=f"user {user};" if user else "",
        prefix=nginx_dir,
        deploy=PROJECT_ROOT / "deploy",
        www=topo.root / "www",
        http_port=topo.http_port,
        preview_port=topo.preview_port,
        preview_origin=_frame_origins(topo.preview_url),
        upstream_servers=upstream,
        max_body=f"{_max_upload_mb()}m",
        script_hashes=_inline_script_hashes(topo.root / "www"),
        # The app under both loopback names: its forms post to the API URL the export was
        # built with, which may name the other one than the address bar.
        form_origins=f"http://localhost:{topo.http_port} http://127.0.0.1:{topo.http_port}",
    )
    return out


def _inline_script_hashes(www: Path) -> str:
    from vibecoder.api.security import exported_page_hashes

    return " ".join(exported_page_hashes(www))


def _frame_origins(preview_url: str) -> str:
    """The CSP frame-src of the app's pages: the preview origin, under both loopback names when
    it is configured as localhost (the app follows the host the browser used)."""
    from urllib.parse import urlsplit

    parts = urlsplit(preview_url)
    origin = f"{parts.scheme}://{parts.netloc}"
    if parts.hostname == "localhost":
        return f"{origin} {origin.replace('localhost', '127.0.0.1', 1)}"
    return origin


def _max_upload_mb() -> int:
    from vibecoder.settings import get_settings

    # The app refuses bigger uploads itself; nginx cuts them off before they are received.
    return get_settings().max_upload_bytes // (1024 * 1024) + 1


def _sources_digest(api_url: str) -> str:
    digest = hashlib.sha256(api_url.encode())
    for base in ("vibecoder", "assets"):
        for path in sorted((PROJECT_ROOT / base).rglob("*")):
            if path.is_file() and "seed_data" not in path.parts and path.suffix != ".pyc":
                digest.update(str(path.relative_to(PROJECT_ROOT)).encode())
                digest.update(path.read_bytes())
    digest.update((PROJECT_ROOT / "rxconfig.py").read_bytes())
    return digest.hexdigest()


def export_frontend(topo: Topology, env: dict[str, str], *, force: bool = False) -> None:
    """`reflex export --frontend-only` into PROD_DIR/www, skipped when nothing changed."""
    www = topo.root / "www"
    stamp = topo.root / "www.stamp"
    digest = _sources_digest(topo.app_url)
    if not force and www.is_dir() and stamp.exists() and stamp.read_text() == digest:
        print(f"frontend export is current ({www})", flush=True)
        return
    print("exporting the frontend (reflex export --frontend-only), a minute or two…", flush=True)
    export_env = dict(env, VIBECODER_API_URL=topo.app_url)
    subprocess.run(
        # --no-ssr: a single-page app (nginx serves index.html for every route); prerendering
        # needs the backend up and timed out on a loaded machine.
        [sys.executable, "-m", "reflex", "export", "--frontend-only", "--no-zip", "--env", "prod"]
        + ["--no-ssr"],
        cwd=PROJECT_ROOT,
        env=export_env,
        check=True,
    )
    built = PROJECT_ROOT / ".web" / "build" / "client"
    tmp = topo.root / "www.new"
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(built, tmp)
    shutil.rmtree(www, ignore_errors=True)
    tmp.rename(www)
    stamp.write_text(digest)


def prepare(env: dict[str, str], *, force_export: bool = False) -> tuple[Topology, dict[str, str]]:
    """Everything before honcho; returns the topology and the environment of every process."""
    topo = Topology.from_env(env)
    topo.root.mkdir(parents=True, exist_ok=True)
    (topo.root / "run").mkdir(exist_ok=True)
    redis_password = _secret(topo.root / "redis.password")
    proc_env: dict[str, str] = {
        "PROD_DIR": str(topo.root),
        "PROD_PG_PORT": str(topo.pg_port),
        "VIBECODER_ENVIRONMENT": "production",
        "VIBECODER_DATA_DIR": str(topo.root / "data"),
        "VIBECODER_SECRET_KEY": env.get("VIBECODER_SECRET_KEY")
        or _secret(topo.root / "secret_key", 48),
        "REDIS_URL": env.get("REDIS_URL")
        or f"redis://:{redis_password}@127.0.0.1:{topo.redis_port}/0",
        "VIBECODER_APP_URL": topo.app_url,
        "VIBECODER_API_URL": topo.app_url,
        "VIBECODER_PREVIEW_URL": topo.preview_url,
        # Backends listen on loopback only; nginx is the one public door.
        "BACKEND_HOST": "127.0.0.1",
        # One server process per backend; scale with PROD_BACKENDS, not hidden workers.
        "GRANIAN_WORKERS": "1",
        # A local demo has no Stripe keys: production refuses the test gateway unless this
        # is explicit. Set STRIPE_SECRET_KEY (and unset this) for real payments.
        "VIBECODER_ALLOW_TEST_PAYMENTS": env.get("VIBECODER_ALLOW_TEST_PAYMENTS", "true"),
        "PROD_SEED": env.get("PROD_SEED", "1"),
        "PYTHONUNBUFFERED": "1",
    }
    if env.get("DATABASE_URL"):
        proc_env["DATABASE_URL"] = env["DATABASE_URL"]
    else:
        pg = EmbeddedPostgres(topo.root / "postgres")
        pg.ensure_initialized()
        proc_env["DATABASE_URL"] = pg.url(topo.pg_port)
    write_redis_conf(topo, redis_password)
    full_env = dict(env)
    full_env.update(toolchain.reflex_env())
    full_env.update(proc_env)
    export_frontend(topo, full_env, force=force_export)
    # After the export: the page policy names the hashes of its inline scripts.
    write_nginx_conf(topo)
    env_file = topo.root / "prod.env"
    env_file.write_text("".join(f"{k}={v}\n" for k, v in sorted(proc_env.items())))
    env_file.chmod(0o600)
    return topo, full_env


def honcho_command(topo: Topology, env: dict[str, str]) -> list[str]:
    from vibecoder.cli.procfile import read_procfile

    names = list(read_procfile())
    # The operator's servers replace the local ones.
    if env.get("DATABASE_URL"):
        names.remove("postgres")
    if env.get("REDIS_URL"):
        names.remove("redis")
    return [
        sys.executable,
        "-m",
        "honcho",
        "--app-root",
        str(PROJECT_ROOT),
        "--env",
        str(topo.root / "prod.env"),
        "start",
        "--port",
        str(topo.backend_port),
        "--concurrency",
        f"backend={topo.backends}",
        *names,
    ]


def cmd_prod_local(args: argparse.Namespace) -> int:
    missing = missing_system_packages()
    if missing:
        print(
            f"prod-local needs {' and '.join(missing)}: "
            f"sudo apt-get install -y {' '.join(missing)}",
            file=sys.stderr,
        )
        return 2
    env = dict(os.environ)
    topo, full_env = prepare(env, force_export=args.rebuild_frontend)
    print(
        f"VibeCoder (production topology) at http://127.0.0.1:{topo.http_port} "
        f"({topo.backends} backends, previews on :{topo.preview_port}); Ctrl-C stops everything",
        flush=True,
    )
    command = honcho_command(topo, env)
    # .venv/bin first: the Procfile says `python`, `celery`, `redis-server`, `nginx`.
    full_env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), full_env.get("PATH", "")])
    sys.stdout.flush()
    os.execve(command[0], command, full_env)  # noqa: S606 - honcho replaces this process
    return 0  # not reached


def add_prod_commands(sub: argparse._SubParsersAction) -> None:
    from vibecoder.cli import prod_roles

    prod = sub.add_parser("prod", help="the production topology's processes (see the Procfile)")
    prod_sub = prod.add_subparsers(dest="prod_command", required=True)

    local = prod_sub.add_parser(
        "local", help="run the whole Procfile with honcho (make prod-local)"
    )
    local.add_argument(
        "--rebuild-frontend", action="store_true", help="export the frontend even if unchanged"
    )
    local.set_defaults(handler=cmd_prod_local)

    run = prod_sub.add_parser("run", help="wait for a migrated DB and Redis, run CMD, restart it")
    run.add_argument("--no-wait", action="store_true", help="start at once (for the servers)")
    run.add_argument("child", nargs=argparse.REMAINDER)
    run.set_defaults(handler=prod_roles.cmd_run)

    migrate = prod_sub.add_parser("migrate", help="apply migrations once, seed an empty catalog")
    migrate.add_argument(
        "--then-idle", action="store_true", help="stay up afterwards (honcho stops on any exit)"
    )
    migrate.set_defaults(handler=prod_roles.cmd_migrate)

    postgres = prod_sub.add_parser("postgres", help="the packaged PostgreSQL as a server")
    postgres.set_defaults(handler=prod_roles.cmd_postgres)


register_commands(add_prod_commands)
