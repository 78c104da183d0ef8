"""The escape suite: each attack must be contained with the right reason, leave the host as it
was (no processes, cgroups or mounts left; see `host_guard`) and the next run must still work."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from pathlib import Path

import pytest

from sandbox import LimitReason, Limits, RunRequest

from .conftest import FAST, make_code

pytestmark = pytest.mark.usefixtures("host_guard")


def lines(result) -> list[str]:
    return result.stdout.decode().split("\n")


# ---- resource exhaustion ----------------------------------------------------------------


def test_fork_bomb(run_py):
    result = run_py(
        """
        import os, time
        while True:
            try:
                os.fork()
            except OSError:
                time.sleep(0.01)
        """,
        limits=Limits(wall_seconds=2, processes=32),
    )
    assert result.limit_reason is LimitReason.PIDS, result
    assert result.wall_seconds < 5


def test_memory_bomb(run_py):
    result = run_py(
        """
        chunks = []
        while True:
            chunks.append(bytearray(8 << 20))  # touched: bytearray zero-fills
        """,
        limits=Limits(wall_seconds=10, memory_bytes=96 << 20),
    )
    assert result.limit_reason is LimitReason.MEMORY, result
    assert result.signal == 9
    assert result.peak_memory_bytes <= 96 << 20


def test_memory_bomb_in_tmpfs_counts_too(run_py):
    # Files in /tmp live in RAM: they are charged to the run's memory limit.
    result = run_py(
        """
        with open("/tmp/fill", "wb") as fh:
            while True:
                fh.write(b"x" * (1 << 20))
        """,
        limits=Limits(memory_bytes=48 << 20, file_bytes=512 << 20, tmpfs_bytes=256 << 20),
    )
    assert result.limit_reason is LimitReason.MEMORY, result


def test_cpu_spin(run_py):
    result = run_py("while True:\n    pass\n", limits=Limits(wall_seconds=10, cpu_seconds=1))
    assert result.limit_reason is LimitReason.CPU, result
    assert 0.9 < result.cpu_seconds < 3
    assert result.wall_seconds < 5


def test_sleep_forever(run_py):
    result = run_py("import time\ntime.sleep(3600)\n", limits=Limits(wall_seconds=1))
    assert result.limit_reason is LimitReason.TIMEOUT, result
    assert result.exit_code is None and result.signal == 9
    assert 1 <= result.wall_seconds < 3


def test_output_flood(run_py):
    result = run_py(
        """
        import sys
        block = "x" * 65536
        while True:
            sys.stdout.write(block)
        """,
        limits=Limits(output_bytes=100_000),
    )
    assert result.limit_reason is LimitReason.OUTPUT, result
    assert result.stdout_truncated and not result.stderr_truncated
    assert len(result.stdout) == 100_000


def test_stderr_flood(run_py):
    result = run_py(
        "import os\nwhile True:\n    os.write(2, b'e' * 65536)\n", limits=Limits(output_bytes=4096)
    )
    assert result.limit_reason is LimitReason.OUTPUT
    assert result.stderr_truncated and len(result.stderr) == 4096


def test_huge_file_write(run_py):
    result = run_py(
        """
        with open("/tmp/big", "wb") as fh:
            for _ in range(200):
                fh.write(b"x" * (1 << 20))
        """,
        limits=Limits(file_bytes=4 << 20),
    )
    assert result.limit_reason is LimitReason.FILE_SIZE, result
    assert b"File too large" in result.stderr


# ---- filesystem -------------------------------------------------------------------------


def test_writing_outside_writable_dirs(run_py):
    result = run_py(
        """
        import errno
        for path in ["/code/x", "/x", "/usr/x", "/etc/x", "/bin/x", "/proc/x", "/opt/x",
                     "/proc/sys/kernel/hostname", "/work/x"]:
            try:
                open(path, "w").write("x")
                print("WROTE", path)
            except OSError as exc:
                print("denied", path, errno.errorcode[exc.errno])
        open("/tmp/ok", "w").write("scratch is writable")
        print(open("/tmp/ok").read())
        """
    )
    assert result.ok, result
    assert "WROTE" not in result.stdout.decode()
    assert "scratch is writable" in result.stdout.decode()


def test_reading_etc_shadow(run_py):
    assert Path("/etc/shadow").exists()  # the host has one: the sandbox must not
    result = run_py(
        """
        import os
        print(os.path.exists("/etc/shadow"), os.path.exists("/etc/gshadow"))
        print(sorted(os.listdir("/etc")))
        print(open("/etc/passwd").read())
        """
    )
    assert result.ok, result
    out = lines(result)
    assert out[0] == "False False"
    assert "shadow" not in out[1]
    assert "postgres" not in result.stdout.decode()  # a host account: host passwd not exposed


def test_host_data_dir_is_invisible(run_py, tmp_path):
    data = tmp_path / "host-data"
    data.mkdir()
    (data / "secret.txt").write_text("TOP-SECRET-VALUE")
    data.chmod(0o755)
    (data / "secret.txt").chmod(0o644)
    result = run_py(
        f"""
        import os
        print(os.path.exists({str(data)!r}), os.path.exists({str(tmp_path)!r}))
        found = []
        for root, dirs, files in os.walk("/"):
            if root.startswith(("/proc", "/sys", "/usr")):
                dirs.clear()
                continue
            found += [f for f in files if f == "secret.txt"]
        print(found)
        """
    )
    assert result.ok, result
    assert lines(result)[:2] == ["False False", "[]"]


def test_symlinks_in_code_dir_do_not_reach_the_host(backend, tmp_path):
    host_secret = tmp_path / "outside.txt"
    host_secret.write_text("HOST-ONLY")
    code = make_code(
        tmp_path / "code",
        {
            "main.py": """
            import os
            print(open("passwd_link").read().count(":x:"))
            print(sorted(os.listdir("up_link")))
            for name in ("secret_link", "dotdot_secret"):
                try:
                    print(open(name).read())
                except OSError as exc:
                    print(name, "unreadable", type(exc).__name__)
            """
        },
    )
    os.symlink("/etc/passwd", code / "passwd_link")
    os.symlink("../../", code / "up_link")
    os.symlink(str(host_secret), code / "secret_link")
    os.symlink("../outside.txt", code / "dotdot_secret")
    result = backend.run(RunRequest(language="python", files_dir=code, entry="main.py"))
    assert result.ok, result
    out = lines(result)
    assert out[0] == "3"  # the sandbox's 3-line passwd, not the host's
    root_listing = out[1]  # "../../" from /code is the sandbox's own root
    assert "'code'" in root_listing and "'tmp'" in root_listing
    assert all(f"'{d}'" not in root_listing for d in ("home", "var", "srv", "boot", "mnt"))
    assert "HOST-ONLY" not in result.stdout.decode()
    assert "secret_link unreadable" in out[2] and "dotdot_secret unreadable" in out[3]


def test_setuid_file_in_code_dir_has_no_effect(backend, tmp_path):
    code = make_code(tmp_path / "code", {"main.py": "import subprocess\n"})
    shutil.copy("/usr/bin/id", code / "suid-id")
    os.chmod(code / "suid-id", 0o4755)  # owned by root on the host
    assert os.stat(code / "suid-id").st_mode & 0o4000
    result = backend.run(
        RunRequest(language="python", files_dir=code, command=["/code/suid-id", "-u"])
    )
    assert result.ok, result
    assert result.stdout == b"1000\n"  # euid stays the sandbox user


def test_tmp_and_dev_shm_do_not_persist(run_py):
    first = run_py(
        """
        for path in ("/tmp/marker", "/dev/shm/marker"):
            open(path, "w").write("from the first run")
        print("written")
        """
    )
    assert first.ok, first
    second = run_py(
        """
        import os
        print(os.path.exists("/tmp/marker"), os.path.exists("/dev/shm/marker"))
        """
    )
    assert second.stdout == b"False False\n", second
    assert not Path("/tmp/marker").exists() and not Path("/dev/shm/marker").exists()


def test_sysv_shared_memory_is_private_to_the_run(run_py):
    key = 0x5EC0DE
    make = f"""
        import ctypes, os
        libc = ctypes.CDLL(None, use_errno=True)
        shmid = libc.shmget({key}, 1 << 20, 0o1000 | 0o666)  # IPC_CREAT
        print("created" if shmid >= 0 else "failed", ctypes.get_errno())
        """
    assert run_py(make).stdout.startswith(b"created")
    probe = f"""
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        print(libc.shmget({key}, 0, 0), ctypes.get_errno())
        """
    assert run_py(probe).stdout == b"-1 2\n"  # ENOENT: the next run has a fresh IPC namespace
    host = Path("/proc/sysvipc/shm").read_text()
    assert f"{key:d}" not in host.split()


# ---- processes, environment, network ----------------------------------------------------


def test_runner_environment_is_not_visible(run_py, monkeypatch):
    monkeypatch.setenv("VC_SANDBOX_TEST_SECRET", "sk-do-not-leak")
    result = run_py(
        """
        import os
        print(sorted(os.environ))
        blobs = []
        for pid in os.listdir("/proc"):
            if pid.isdigit():
                try:
                    blobs.append(open(f"/proc/{pid}/environ", "rb").read())
                except OSError:
                    pass
        print(any(b"sk-do-not-leak" in b for b in blobs), len(blobs) > 0)
        print(open("/proc/1/environ", "rb").read())
        """
    )
    assert result.ok, result
    out = lines(result)
    assert "VC_SANDBOX_TEST_SECRET" not in out[0]
    assert out[1] == "False True"
    assert "sk-do-not-leak" not in result.stdout.decode()


def test_no_network_to_host_loopback(run_py):
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(0.2)
    spare = socket.socket()
    spare.bind(("127.0.0.1", 0))
    other_port = spare.getsockname()[1]
    spare.close()
    try:
        port = listener.getsockname()[1]
        result = run_py(
            f"""
            import socket
            for port in ({port}, {other_port}):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1)
                    print("CONNECTED", port)
                except OSError as exc:
                    print("refused", port, type(exc).__name__)
            """
        )
        assert result.ok, result
        assert "CONNECTED" not in result.stdout.decode()
        with pytest.raises(TimeoutError):
            listener.accept()  # nothing ever arrived on the host side
    finally:
        listener.close()


def test_cannot_signal_host_processes(run_py):
    victim = subprocess.Popen(["sleep", "30"])
    try:
        result = run_py(
            f"""
            import os, signal
            try:
                os.kill({victim.pid}, signal.SIGKILL)
                print("sent")
            except OSError as exc:
                print("blocked", type(exc).__name__)
            try:
                os.kill(-1, signal.SIGKILL)  # everything it can reach: only its own namespace
            except OSError:
                pass
            """
        )
        assert b"sent" not in result.stdout, result
        assert victim.poll() is None  # still running
    finally:
        victim.kill()
        victim.wait()


def test_ptrace_and_other_syscalls_blocked_by_seccomp(run_py):
    result = run_py(
        """
        import ctypes, errno, os
        libc = ctypes.CDLL(None, use_errno=True)
        def check(name, rc):
            print(name, rc, errno.errorcode.get(ctypes.get_errno()))
        child = os.fork()
        if child == 0:
            import time; time.sleep(5); os._exit(0)
        check("ptrace_attach", libc.ptrace(16, child, None, None))  # PTRACE_ATTACH
        check("ptrace_traceme", libc.ptrace(0, 0, None, None))
        check("mount", libc.mount(b"none", b"/tmp", b"tmpfs", 0, None))
        check("unshare", libc.unshare(0x10000000))  # CLONE_NEWUSER
        check("keyctl", libc.syscall(250, 0, 0, 0, 0))  # __NR_keyctl on x86_64
        check("bpf", libc.syscall(321, 0, 0, 0))
        check("perf_event_open", libc.syscall(298, 0, 0, -1, -1, 0))
        os.kill(child, 9)
        """
    )
    assert result.ok, result
    for line in filter(None, lines(result)):
        name, rc, err = line.split()
        assert (rc, err) == ("-1", "EPERM"), line


def test_children_do_not_outlive_the_run(run_py):
    result = run_py(
        """
        import os, subprocess
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                os.execv("/usr/bin/sleep", ["sleep", "300"])
            os._exit(0)
        print("parent leaves")
        """,
        limits=Limits(wall_seconds=10),
    )
    assert result.ok and result.stdout == b"parent leaves\n", result
    assert result.wall_seconds < 5  # did not wait for the sleeper
    # host_guard then checks that no process of any slot uid remains


def test_the_interpreter_does_not_leak_the_worker(run_py):
    result = run_py(
        """
        import os, sys
        print(sys.executable, os.getuid(), os.geteuid(), os.getgid(), os.getgroups())
        print(sorted(os.listdir("/")))
        print(open("/proc/self/status").read().split("CapEff:")[1].split()[0])
        print(open("/proc/self/status").read().split("NoNewPrivs:")[1].split()[0])
        print(open("/proc/self/status").read().split("Seccomp:")[1].split()[0])
        """,
        limits=FAST,
    )
    assert result.ok, result
    out = lines(result)
    assert out[0].endswith("1000 1000 1000 []")
    # The root holds only what was bound: system dirs, the interpreters' own paths, /code.
    assert all(f"'{d}'" not in out[1] for d in ("home", "var", "srv", "boot", "mnt", "run"))
    # no capabilities, no_new_privs set, seccomp in filter mode
    assert out[2] == "0000000000000000" and out[3] == "1" and out[4] == "2"


def test_stdin_cannot_be_modified(run_py):
    result = run_py(
        """
        import os, sys
        print(sys.stdin.read(), end=" ")
        try:
            os.pwrite(0, b"changed", 0)
            print("WROTE")
        except OSError as exc:
            print("sealed", type(exc).__name__)
        """,
        stdin="original",
    )
    assert result.stdout.startswith(b"original sealed"), result
