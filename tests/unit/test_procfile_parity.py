"""The Procfile (`make prod-local`) and docker-compose.yml declare the same processes.

Both are edited by hand; this keeps them from drifting: the same process names, and for every
app process the same command (the Procfile wraps it in `prod run --`, its supervisor, and
names paths and ports through variables that compose spells as container paths).
"""

from __future__ import annotations

import os
import shlex
import subprocess

import yaml

from tests.conftest import PROJECT_ROOT
from vibecoder.cli.procfile import read_procfile

WRAPPER = ["python", "-m", "vibecoder", "prod", "run"]
# The servers differ by nature (an image vs. the Debian package / packaged binaries).
INFRASTRUCTURE = {"postgres", "redis", "frontend"}
COMPOSE_ENV = {
    "POSTGRES_PASSWORD": "pw",
    "REDIS_PASSWORD": "pw",
    "VIBECODER_APP_URL": "https://app.example",
    "VIBECODER_PREVIEW_URL": "https://preview.example-usercontent.net",
    "DOCKER_GID": "999",
}


def _compose() -> dict:
    return yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text())


def _procfile_command(line: str) -> list[str]:
    argv = shlex.split(line.replace("$PORT", "8000").replace("$PROD_DIR/", "/data/"))
    if argv[: len(WRAPPER)] == WRAPPER:
        argv = argv[len(WRAPPER) :]
        argv = [a for a in argv if a != "--no-wait"]
        assert argv[0] == "--"
        argv = argv[1:]
    # honcho stops everything when one process exits, so the one-shot job idles there.
    return [a for a in argv if a != "--then-idle"]


def test_procfile_and_compose_run_the_same_processes():
    procfile = read_procfile()
    services = _compose()["services"]
    assert list(procfile)[0] == "backend"  # honcho's ports for it are the nginx upstream
    assert set(procfile) == set(services)


def test_every_app_process_has_the_same_command_in_both():
    procfile = read_procfile()
    services = _compose()["services"]
    for name in sorted(set(procfile) - INFRASTRUCTURE):
        assert _procfile_command(procfile[name]) == services[name]["command"], name


def test_app_processes_wait_for_migrations_in_both():
    procfile = read_procfile()
    services = _compose()["services"]
    for name in sorted(set(procfile) - INFRASTRUCTURE - {"migrate"}):
        assert procfile[name].startswith("python -m vibecoder prod run -- "), name
        depends = services[name].get("depends_on", {})
        assert depends["migrate"]["condition"] == "service_completed_successfully", name


def _compose_config(tmp_path, env: dict[str, str]) -> subprocess.CompletedProcess:
    # compose insists on the `.env` the services name; an operator's is never read here.
    (tmp_path / "docker-compose.yml").write_text((PROJECT_ROOT / "docker-compose.yml").read_text())
    (tmp_path / ".env").write_text("")
    return subprocess.run(
        ["docker-compose", "-f", str(tmp_path / "docker-compose.yml"), "config", "-q"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_docker_compose_config_validates_the_file(tmp_path):
    env = {**os.environ, **COMPOSE_ENV}
    result = _compose_config(tmp_path, env)
    assert result.returncode == 0, result.stderr
    # Missing secrets are a clear error, not a silently empty password.
    env.pop("REDIS_PASSWORD")
    result = _compose_config(tmp_path, env)
    assert result.returncode != 0 and "REDIS_PASSWORD" in result.stderr


def test_redis_keeps_an_append_only_file_and_a_password_in_both(tmp_path, monkeypatch):
    from vibecoder.cli import prod_local

    monkeypatch.setenv("PROD_DIR", str(tmp_path))
    topo = prod_local.Topology.from_env({"PROD_REDIS_PORT": "16999"})
    conf = prod_local.write_redis_conf(topo, "s3cret-pw").read_text()
    assert "appendonly yes" in conf and "requirepass s3cret-pw" in conf
    assert "bind 127.0.0.1" in conf and "port 16999" in conf
    command = _compose()["services"]["redis"]["command"]
    assert command[command.index("--appendonly") + 1] == "yes"
    assert "--requirepass" in command


def test_the_rendered_nginx_config_is_valid_for_nginx(tmp_path, monkeypatch):
    from vibecoder.cli import prod_local

    monkeypatch.setenv("PROD_DIR", str(tmp_path))
    topo = prod_local.Topology.from_env({"PROD_BACKENDS": "3", "PROD_HTTP_PORT": "18999"})
    (tmp_path / "www").mkdir()
    conf = prod_local.write_nginx_conf(topo)
    text = conf.read_text()
    for port in topo.backend_ports:
        assert f"server 127.0.0.1:{port}" in text
    assert "listen 127.0.0.1:18999;" in text
    assert f"listen 127.0.0.1:{topo.preview_port};" in text
    result = subprocess.run(
        ["nginx", "-t", "-p", str(tmp_path / "nginx"), "-c", str(conf), "-g", "daemon off;"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
