"""scripts/system-deps.sh, the step `make run`/`make test` (and `.ci/run` through them) start with.

The script runs for real: "missing" means really absent from the PATH it is given, "not root"
is a real other uid (setpriv) and "root" without root is a real user namespace (unshare). The
only stand-in is apt-get itself (it would change this machine): a shell script on that PATH
that records how it was called and puts the packages' commands where the script looks.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT

SCRIPT = PROJECT_ROOT / "scripts" / "system-deps.sh"
BASH = shutil.which("bash") or "/bin/bash"
# Looked up here: the runs below get a PATH that has nothing on it.
SETPRIV = shutil.which("setpriv") or "/usr/bin/setpriv"
UNSHARE = shutil.which("unshare") or "/usr/bin/unshare"


@pytest.fixture
def world():
    """A directory any uid can read: the script and an empty bin dir to use as PATH."""
    root = Path(tempfile.mkdtemp(prefix="sysdeps-"))
    root.chmod(0o755)
    shutil.copy(SCRIPT, root / "system-deps.sh")
    (root / "bin").mkdir(mode=0o755)
    yield root
    shutil.rmtree(root, ignore_errors=True)


def run(world: Path, *args: str, as_root: bool, env: dict[str, str] | None = None):
    if as_root:
        prefix = [] if os.geteuid() == 0 else [UNSHARE, "--map-root-user"]
    else:
        prefix = (
            [SETPRIV, "--reuid=65534", "--regid=65534", "--clear-groups"]
            if os.geteuid() == 0
            else []
        )
    return subprocess.run(
        [*prefix, BASH, str(world / "system-deps.sh"), *args],
        env={"PATH": str(world / "bin"), **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_this_machine_has_everything_and_nothing_is_installed():
    # .ci/run's `make test` ran the script before these tests: now it finds all and says nothing.
    out = subprocess.run([str(SCRIPT)], capture_output=True, text=True, timeout=60)
    assert (out.returncode, out.stdout, out.stderr) == (0, "", "")


def test_not_root_stops_with_one_line_naming_the_command(world):
    out = run(world, as_root=False)
    assert out.returncode == 1
    lines = out.stderr.splitlines()
    assert len(lines) == 1, out.stderr
    # chromium and bwrap are in /usr/bin, which this PATH lacks; libseccomp is found by ldconfig.
    assert lines[0] == (
        "missing system packages: chromium bubblewrap; run: sudo sh -c "
        "'apt-get update && apt-get install -y --no-install-recommends chromium bubblewrap'"
    )


def test_prod_list_adds_the_servers(world):
    out = run(world, "--prod", as_root=False)
    assert out.returncode == 1
    assert "redis-server" in out.stderr.splitlines()[0]
    assert len(out.stderr.splitlines()) == 1


def test_root_without_apt_stops_too(world):
    out = run(world, as_root=True)
    assert out.returncode == 1
    assert out.stderr.splitlines() == [
        "missing system packages: chromium bubblewrap; no apt-get here, install them with your "
        "package manager (Debian: apt-get update && apt-get install -y --no-install-recommends "
        "chromium bubblewrap)"
    ]


def test_skip_turns_the_stop_into_a_warning(world):
    out = run(world, as_root=False, env={"VIBECODER_SYSTEM_DEPS": "skip"})
    assert out.returncode == 0
    assert out.stderr.startswith("warning: missing system packages: chromium bubblewrap")


def _fake_apt(world: Path, *, installs: bool) -> Path:
    log = world / "apt.log"
    provides = {"chromium": "chromium", "bubblewrap": "bwrap"}
    make = "".join(
        f'    {pkg}) printf "#!/bin/sh\\n" > "{world}/bin/{cmd}"; '
        f'/bin/chmod 755 "{world}/bin/{cmd}";;\n'
        for pkg, cmd in provides.items()
    )
    body = f'#!/bin/sh\necho "$DEBIAN_FRONTEND $*" >> "{log}"\n[ "$1" = install ] || exit 0\n' + (
        f'for a in "$@"; do case "$a" in\n{make}  esac; done\n' if installs else ""
    )
    apt = world / "bin" / "apt-get"
    apt.write_text(body)
    apt.chmod(apt.stat().st_mode | stat.S_IEXEC | stat.S_IXGRP | stat.S_IXOTH)
    return log


def test_root_with_apt_updates_once_then_installs_what_is_missing(world):
    log = _fake_apt(world, installs=True)
    out = run(world, as_root=True)
    assert out.returncode == 0, out.stderr
    assert log.read_text().splitlines() == [
        "noninteractive update -qq",
        "noninteractive install -y -qq --no-install-recommends chromium bubblewrap",
    ]
    # A second run finds them and does not call apt-get again.
    assert run(world, as_root=True).returncode == 0
    assert len(log.read_text().splitlines()) == 2


def test_an_install_that_did_not_provide_the_command_is_an_error(world):
    _fake_apt(world, installs=False)
    out = run(world, as_root=True)
    assert out.returncode == 1
    assert out.stderr.splitlines()[-1] == (
        "system-deps: apt-get finished but chromium bubblewrap still cannot be found"
    )


def test_make_run_and_test_start_with_this_step_and_ci_relies_on_it():
    for target, command, deps in (
        ("run", "-m vibecoder dev", "scripts/system-deps.sh"),
        ("test", "-m pytest tests", "scripts/system-deps.sh --test"),
        ("prod-local", "-m vibecoder prod local", "scripts/system-deps.sh --prod"),
    ):
        # Under `make test` this runs inside make: a sub-make would print "Entering directory".
        env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
        out = subprocess.run(
            ["make", "--no-print-directory", "-n", target],
            cwd=PROJECT_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        lines = out.stdout.splitlines()
        assert lines[0] == deps, out.stdout[:500]
        assert any(command in line for line in lines)
    ci = (PROJECT_ROOT / ".ci" / "run").read_text()
    # CI installs nothing by itself: `make test` does, as on a fresh machine.
    assert "apt-get" not in ci and "\nmake test\n" in ci
