"""Ordinary runs through the real bwrap backend: I/O, exit codes, measurements, test counts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from sandbox import Limits, RunRequest, SandboxConfig, get_backend, run, run_tests

from .conftest import FAST, make_code, slot_uids


def test_python_hello_with_stdin_and_args(run_py):
    result = run_py(
        """
        import os, sys
        print("hello", sys.argv[1:], sys.stdin.read().strip(), os.getcwd())
        print("to stderr", file=sys.stderr)
        """,
        args=["a", "b c"],
        stdin="from stdin",
    )
    assert result.ok, result
    assert result.stdout == b"hello ['a', 'b c'] from stdin /code\n"
    assert result.stderr == b"to stderr\n"
    assert result.exit_code == 0 and result.signal is None and result.limit_reason is None
    assert 0 < result.wall_seconds < 5 and result.cpu_seconds > 0
    assert result.peak_memory_bytes and result.memory_source == "cgroup"
    data = json.loads(json.dumps(result.to_dict()))
    assert data["stdout"].startswith("hello") and data["limit_reason"] is None


def test_private_mkdtemp_style_code_dir_is_readable(backend, tmp_path):
    # 0700 dirs and 0600 files, as tempfile makes them: the runner copies them readable.
    code = make_code(tmp_path / "private", {"main.py": "print(open('data.txt').read())"}, 0o700)
    (code / "data.txt").write_text("secret-ish data")
    (code / "data.txt").chmod(0o600)
    result = backend.run(RunRequest(language="python", files_dir=code, entry="main.py"))
    assert result.ok, result
    assert result.stdout == b"secret-ish data\n"


def test_exit_codes(run_py, backend, tmp_path):
    assert run_py("import sys; sys.exit(3)").exit_code == 3
    raised = run_py("raise ValueError('boom')")
    assert raised.exit_code == 1 and b"ValueError: boom" in raised.stderr
    assert raised.limit_reason is None
    code = make_code(tmp_path / "js", {"main.js": "process.exit(5)"})
    node = backend.run(RunRequest(language="node", files_dir=code, entry="main.js"))
    assert node.exit_code == 5 and node.limit_reason is None


def test_node_hello(backend, tmp_path):
    code = make_code(
        tmp_path / "js",
        {
            "main.js": """
            const v8 = require('node:v8');
            let input = '';
            process.stdin.on('data', d => input += d);
            process.stdin.on('end', () => {
              const heapMb = v8.getHeapStatistics().heap_size_limit / 1048576;
              console.log('hello', process.argv.slice(2).join(','), input, process.version,
                          heapMb < 256);
            });
            """
        },
    )
    request = RunRequest(
        language="node", files_dir=code, entry="main.js", args=["x", "y"], stdin="in", limits=FAST
    )
    result = backend.run(request)
    assert result.ok, result
    out = result.stdout.decode().split()
    assert out[:3] == ["hello", "x,y", "in"]
    assert int(out[3].lstrip("v").split(".")[0]) >= 22
    assert out[4] == "true"  # --max-old-space-size follows the memory limit


def test_command_form_and_env(backend):
    result = run(
        RunRequest(
            language="python",
            command=["python", "-c", "import os; print(os.environ['GREETING'], os.getcwd())"],
            env={"GREETING": "hi"},
        ),
        backend,
    )
    assert result.stdout == b"hi /tmp\n", result
    shell = backend.run(
        RunRequest(language="python", command=["/bin/sh", "-c", "echo $HOME $PATH; id -u"])
    )
    assert shell.stdout.decode().split()[0] == "/tmp"
    assert shell.stdout.decode().split()[-1] == "1000"


def test_pytest_inside_sandbox_reports_counts(backend, tmp_path):
    code = make_code(
        tmp_path / "proj",
        {
            "calc.py": "def add(a, b):\n    return a + b\n",
            "tests/test_calc.py": """
            import pytest
            from calc import add

            def test_add(tmp_path):
                (tmp_path / "f").write_text("writable tmp_path")
                assert add(1, 2) == 3

            def test_fails():
                assert add(1, 1) == 3

            @pytest.mark.skip(reason="demo")
            def test_skipped():
                pass
            """,
        },
    )
    result = run_tests(code, limits=Limits(wall_seconds=20), backend=backend)
    assert result.framework == "pytest"
    assert (result.passed, result.failed, result.skipped, result.errors) == (1, 1, 1, 0), (
        result.run.stdout.decode()
    )
    assert not result.ok and result.run.exit_code == 1
    assert result.to_dict()["run"]["backend"] == "bwrap"


def test_node_test_runner_counts(backend, tmp_path):
    code = make_code(
        tmp_path / "jsproj",
        {
            "sum.js": "module.exports = (a, b) => a + b;\n",
            "test/sum.test.js": """
            const test = require('node:test');
            const assert = require('node:assert');
            const sum = require('../sum');
            test('adds', () => assert.strictEqual(sum(1, 2), 3));
            test('adds again', () => assert.strictEqual(sum(2, 2), 4));
            test('wrong', () => assert.strictEqual(sum(1, 1), 3));
            test('later', { skip: true }, () => {});
            """,
        },
    )
    result = run_tests(code, "node", Limits(wall_seconds=20), backend=backend)
    assert result.framework == "node"
    assert (result.passed, result.failed, result.skipped) == (2, 1, 1), result.run.stdout.decode()
    assert result.run.exit_code == 1


def _host_uid_of(token: str) -> int | None:
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                if token.encode() in Path(entry.path, "cmdline").read_bytes():
                    return os.stat(entry.path).st_uid
            except OSError:
                continue
    return None


def test_concurrent_runs_get_distinct_host_uids(backend):
    tokens = [f"vc-concurrency-{os.getpid()}-{i}" for i in range(4)]
    results = []

    def one(token: str) -> None:
        request = RunRequest(
            language="python", command=["python", "-c", "import time; time.sleep(1.5)", token]
        )
        results.append(backend.run(request))

    threads = [threading.Thread(target=one, args=(t,)) for t in tokens]
    for t in threads:
        t.start()
    uids: dict[str, int] = {}
    deadline = time.monotonic() + 5
    while len(uids) < len(tokens) and time.monotonic() < deadline:
        for token in tokens:
            if token not in uids and (uid := _host_uid_of(token)) is not None:
                uids[token] = uid
        time.sleep(0.05)
    for t in threads:
        t.join()
    assert all(r.ok for r in results), results
    assert len(set(uids.values())) == 4, uids  # four runs at once, each its own host uid
    assert all(uid in slot_uids(backend.config) for uid in uids.values())


def test_an_interpreter_in_a_venv_under_tmp_stays_visible(tmp_path):
    # A checkout under /tmp (CI clones, pytest's tmp dirs) holds the venv; the sandbox's own
    # tmpfs on /tmp must not hide it.
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    backend = get_backend("bwrap", config=SandboxConfig(python=str(venv / "bin" / "python")))
    code = make_code(tmp_path / "code", {"main.py": "import sys; print(sys.prefix)"})
    result = backend.run(RunRequest(language="python", files_dir=code, entry="main.py"))
    assert result.ok, result
    assert result.stdout.decode().strip() == str(venv)
