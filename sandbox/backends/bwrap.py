"""bubblewrap backend: namespaces + seccomp + rlimits + cgroup, one host uid per concurrent run.

Launch sequence (worker running as root):

1. take a uid slot (flock) and create the run's cgroup (memory.max / pids.max) when possible;
2. fork; in the child, before exec: join the cgroup, unshare a private mount namespace and bind
   the code dir and interpreters onto a 0755 staging tmpfs (the worker's own paths may sit under
   0700 directories such as /root or a mkdtemp() dir that the slot uid could not traverse),
   set the rlimits, drop every group and set all three uids/gids to the slot's;
3. exec bwrap unprivileged: it builds a user+pid+net+ipc+uts+cgroup+mount namespace with a
   read-only root, only /usr, a few /etc files, the interpreters and the code bound read-only,
   size-limited tmpfs for /tmp and /dev/shm, drops all capabilities, forbids nested user
   namespaces and loads the seccomp deny list right before exec'ing the program;
4. read stdout/stderr incrementally, kill at the wall-clock deadline or on output overflow;
5. kill(-1) as the slot uid (reaches anything the run left, in any namespace), remove the cgroup.

As a non-root user (a developer laptop) steps 2's staging and uid switch are skipped: bwrap runs
as that user, and process limits are only as good as the cgroup or RLIMIT_NPROC allow.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import functools
import os
import resource
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sandbox import cgroup, codetree, slots
from sandbox.backends.base import Backend
from sandbox.capture import Captured, pump
from sandbox.config import SandboxConfig
from sandbox.errors import SandboxError, SandboxUnavailable
from sandbox.limits import BWRAP_OVERHEAD_PROCESSES, classify, node_heap_mb, rlimits
from sandbox.models import Language, Limits, RunRequest, RunResult
from sandbox.seccomp import deny_list_bpf

CODE_DIR = "/code"
NODE_BIN = "/opt/node/bin/node"
SANDBOX_UID = 1000
SANDBOX_PATH = "/opt/node/bin:/usr/local/bin:/usr/bin:/bin"

_CLONE_NEWNS = 0x00020000
_MS_NOSUID, _MS_NODEV, _MS_BIND, _MS_REC, _MS_PRIVATE = 2, 4, 4096, 16384, 1 << 18

_ETC_FILES = {
    "passwd": (
        "root:x:0:0:root:/root:/usr/sbin/nologin\n"
        f"sandbox:x:{SANDBOX_UID}:{SANDBOX_UID}:sandbox:/tmp:/usr/sbin/nologin\n"
        "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"
    ),
    "group": f"root:x:0:\nsandbox:x:{SANDBOX_UID}:\nnogroup:x:65534:\n",
    "hosts": "127.0.0.1 localhost sandbox\n::1 localhost ip6-localhost ip6-loopback\n",
    "nsswitch.conf": "passwd: files\ngroup: files\nhosts: files\n",
}
# Host /etc files that are safe and needed (the dynamic loader's cache finds multiarch libs).
_HOST_ETC = ("/etc/ld.so.cache", "/etc/alternatives")

UNAVAILABLE_HINT = (
    "install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap libseccomp2) "
    "or use the docker backend (SANDBOX_BACKEND=docker)"
)


@dataclass(frozen=True)
class _Bind:
    src: str  # real host path
    dst: str  # path inside the sandbox
    is_dir: bool


@functools.cache
def _libc() -> ctypes.CDLL:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.mount.argtypes = [ctypes.c_char_p] * 3 + [ctypes.c_ulong, ctypes.c_char_p]
    libc.unshare.argtypes = [ctypes.c_int]
    return libc


@functools.cache
def _python_dirs(python: str) -> tuple[str, ...]:
    """Directories an interpreter needs (venv and base prefix), bound at their own paths."""
    try:
        out = subprocess.run(
            [python, "-c", "import sys; print(sys.prefix); print(sys.base_prefix)"],
            capture_output=True,
            env={"PATH": "/usr/bin:/bin"},
            timeout=30,
            check=True,
        ).stdout.decode()
    except (OSError, subprocess.SubprocessError) as exc:
        raise SandboxUnavailable(f"cannot start the sandbox python {python!r}: {exc}") from exc
    dirs = {os.path.realpath(p) for p in out.split()}
    # The venv's python is a symlink into the base install: bind what it resolves to as well.
    dirs.add(os.path.dirname(os.path.dirname(os.path.realpath(python))))
    dirs.add(os.path.dirname(os.path.dirname(os.path.abspath(python))))
    kept: list[str] = []
    for d in sorted(dirs):
        if d in ("/", "/usr") or d.startswith("/usr/"):
            continue
        if any(d.startswith(k + "/") for k in kept):
            continue
        kept.append(d)
    return tuple(kept)


def _secure_dir(path: Path, mode: int) -> Path:
    """mkdir that refuses a pre-planted symlink or a directory others could write into."""
    with contextlib.suppress(FileExistsError):
        path.mkdir(mode=mode)
    st = path.lstat()
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.geteuid() or st.st_mode & 0o022:
        raise SandboxError(f"{path} must be a directory owned by us and not group/world-writable")
    os.chmod(path, mode)
    return path


def _memfd(name: str, data: bytes) -> int:
    """A sealed in-memory file: it needs no pipe pumping and the run cannot modify it."""
    fd = os.memfd_create(name, os.MFD_ALLOW_SEALING)  # inheritable: handed to the child
    view = memoryview(data)
    offset = 0
    while offset < len(view):
        offset += os.pwrite(fd, view[offset:], offset)
    seals = fcntl.F_SEAL_SEAL | fcntl.F_SEAL_SHRINK | fcntl.F_SEAL_GROW | fcntl.F_SEAL_WRITE
    fcntl.fcntl(fd, fcntl.F_ADD_SEALS, seals)
    return fd


def _make_preexec(
    join_fds: list[int],
    staging: list[tuple[bytes, bytes, bool]] | None,
    stage_root: bytes,
    limits: list[tuple[int, tuple[int, int]]],
    uid: int | None,
) -> Callable[[], None]:
    """The code run between fork and exec. It must not import, allocate locks or log: only
    syscalls with arguments prepared beforehand."""
    libc = _libc()
    setrlimit = resource.setrlimit

    def _check(rc: int, what: str) -> None:
        if rc != 0:
            err = ctypes.get_errno()
            raise OSError(err, f"{what}: {os.strerror(err)}")

    def preexec() -> None:
        for fd in join_fds:
            os.write(fd, b"0")  # "0" = the writing process itself
        if staging is not None:
            _check(libc.unshare(_CLONE_NEWNS), "unshare(CLONE_NEWNS)")
            _check(libc.mount(b"none", b"/", None, _MS_REC | _MS_PRIVATE, None), "make-rprivate")
            _check(
                libc.mount(b"tmpfs", stage_root, b"tmpfs", _MS_NOSUID | _MS_NODEV, b"mode=0755"),
                "stage tmpfs",
            )
            for src, dst, is_dir in staging:
                if is_dir:
                    os.mkdir(dst, 0o755)
                else:
                    os.close(os.open(dst, os.O_CREAT | os.O_WRONLY, 0o644))
                _check(libc.mount(src, dst, None, _MS_BIND | _MS_REC, None), "stage bind")
        for res, value in limits:
            setrlimit(res, value)
        if uid is not None:
            os.setgroups([])
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)

    return preexec


class BwrapBackend(Backend):
    name = "bwrap"

    def __init__(self, config: SandboxConfig | None = None):
        self.config = config or SandboxConfig.from_env()
        self._lock = threading.Lock()
        self._ready = False
        self._root = os.geteuid() == 0
        self._cgroups: cgroup.Cgroups | None = None
        self._state: Path | None = None

    # ---- setup -------------------------------------------------------------------------

    def check(self) -> None:
        with self._lock:
            if self._ready:
                return
            if not sys.platform.startswith("linux"):
                raise SandboxUnavailable(f"bubblewrap needs Linux; {UNAVAILABLE_HINT}")
            if not os.access(self.config.bwrap, os.X_OK):
                raise SandboxUnavailable(f"{self.config.bwrap} not found; {UNAVAILABLE_HINT}")
            deny_list_bpf()
            self._state = self._prepare_state_dir()
            self._cgroups = cgroup.detect(self.config.cgroup)
            self._ready = True
        # A user namespace can be refused by sysctl or AppArmor: find out now, in plain words.
        probe = self.run(RunRequest(language=Language.PYTHON, command=["/usr/bin/true"]))
        if probe.exit_code != 0:
            with self._lock:
                self._ready = False
            raise SandboxUnavailable(
                "bubblewrap cannot create its namespaces here: "
                f"{probe.stderr.decode(errors='replace').strip()}; {UNAVAILABLE_HINT}"
            )

    def _prepare_state_dir(self) -> Path:
        if self._root:
            base = Path(self.config.state_dir)
        else:
            base = Path(tempfile.gettempdir()) / f"vibecoder-sandbox-{os.geteuid()}"
        state = _secure_dir(base, 0o755)
        _secure_dir(state / "locks", 0o700)
        _secure_dir(state / "stage", 0o755)
        _secure_dir(state / "code", 0o755)
        etc = _secure_dir(state / "etc", 0o755)
        for name, content in _ETC_FILES.items():
            target = etc / name
            if not target.exists() or target.read_text() != content:
                tmp = etc / f".{name}.tmp"
                tmp.write_text(content)
                tmp.chmod(0o644)
                os.replace(tmp, target)
        return state

    @property
    def cgroups(self) -> cgroup.Cgroups | None:
        self.check()
        return self._cgroups

    # ---- one run -----------------------------------------------------------------------

    def run(self, request: RunRequest) -> RunResult:
        if not self._ready:
            self.check()
        assert self._state is not None
        binds, argv = self._program(request)
        cfg = self.config
        copied: Path | None = None
        with slots.acquire(
            self._state / "locks", cfg.uid_base, cfg.slots, cfg.slot_wait_seconds
        ) as slot:
            uid = cfg.uid_base + slot if self._root else None
            if binds and binds[0].dst == CODE_DIR and not codetree.readable_by_others(binds[0].src):
                copied = self._state / "code" / f"slot{slot}"
                shutil.rmtree(copied, ignore_errors=True)
                codetree.copy_readable(binds[0].src, copied)
                binds[0] = _Bind(str(copied), CODE_DIR, True)
            run_cg = None
            if self._cgroups is not None:
                run_cg = self._cgroups.create(
                    f"vcsbx-slot{slot}",
                    request.limits.memory_bytes,
                    request.limits.processes + BWRAP_OVERHEAD_PROCESSES,
                )
            try:
                return self._run_in_slot(request, binds, argv, uid, run_cg)
            finally:
                self._reap(uid, run_cg)
                if copied is not None:
                    shutil.rmtree(copied, ignore_errors=True)

    @staticmethod
    def _reap(uid: int | None, run_cg: cgroup.CgroupRun | None) -> None:
        """Return only once nothing of the run is left, not even a zombie.

        bwrap has reaped the program (pid 1 of the namespace) and we have reaped bwrap, so the
        namespace is gone already; the uid sweep and the pids counter are the safety net.
        """
        if run_cg is None:
            if uid is not None:
                slots.kill_uid(uid)
            return
        if not run_cg.wait_released(0.01):
            if uid is not None:
                slots.kill_uid(uid)
            run_cg.kill()
            if not run_cg.wait_released(5):
                raise SandboxError("processes of a finished run could not be reaped")
        run_cg.remove()

    def _program(self, request: RunRequest) -> tuple[list[_Bind], list[str]]:
        """Extra read-only binds and the argv to run inside the sandbox."""
        binds: list[_Bind] = []
        if request.files_dir is not None:
            code = os.path.realpath(request.files_dir)
            if not os.path.isdir(code):
                raise ValueError(f"files_dir {request.files_dir!r} is not a directory")
            binds.append(_Bind(code, CODE_DIR, True))
        if request.language is Language.PYTHON:
            interpreter = self.config.python
            binds += [_Bind(d, d, True) for d in _python_dirs(interpreter)]
            flags: list[str] = []
        else:
            node = self.config.node
            if not node or not os.path.isfile(node):
                raise SandboxUnavailable("no node binary configured (SANDBOX_NODE)")
            binds.append(_Bind(os.path.realpath(node), NODE_BIN, False))
            interpreter = NODE_BIN
            flags = [f"--max-old-space-size={node_heap_mb(request.limits)}"]
        if request.entry is not None:
            argv = [interpreter, *flags, request.entry]
        else:
            first, *rest = request.command or []
            if first in ("python", "python3", "node"):
                if (first == "node") != (request.language is Language.NODE):
                    raise ValueError(f"command {first!r} does not match {request.language}")
                argv = [interpreter, *flags, *rest]
            elif first.startswith("/"):
                argv = [first, *rest]
            else:
                raise ValueError("command must start with python, node or an absolute path")
        return binds, argv + list(request.args)

    def _bwrap_argv(
        self,
        request: RunRequest,
        sources: list[tuple[str, _Bind]],
        argv: list[str],
        fd: int,
    ) -> list[str]:
        assert self._state is not None
        limits = request.limits
        env = {
            "PATH": SANDBOX_PATH,
            "HOME": "/tmp",
            "TMPDIR": "/tmp",
            "LANG": "C.UTF-8",
            "PYTHONDONTWRITEBYTECODE": "1",
            **request.env,
        }
        a = [self.config.bwrap, "--unshare-all", "--unshare-user", "--disable-userns"]
        a += ["--die-with-parent", "--new-session", "--cap-drop", "ALL", "--hostname", "sandbox"]
        a += ["--uid", str(SANDBOX_UID), "--gid", str(SANDBOX_UID), "--clearenv"]
        for key, value in env.items():
            a += ["--setenv", key, value]
        a += ["--ro-bind", "/usr", "/usr"]
        for name in ("/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32"):
            if os.path.islink(name):
                a += ["--symlink", os.readlink(name), name]
            elif os.path.isdir(name):
                a += ["--ro-bind", name, name]
        for path in _HOST_ETC:
            a += ["--ro-bind-try", path, path]
        localtime = os.path.realpath("/etc/localtime")
        if localtime.startswith("/usr/"):
            a += ["--symlink", localtime, "/etc/localtime"]
        for name in _ETC_FILES:
            a += ["--ro-bind", str(self._state / "etc" / name), f"/etc/{name}"]
        a += ["--proc", "/proc", "--dev", "/dev"]
        a += ["--size", str(limits.tmpfs_bytes), "--tmpfs", "/tmp"]
        a += ["--size", str(limits.tmpfs_bytes), "--tmpfs", "/dev/shm"]
        # After the tmpfs: a later mount hides what is under it, and an interpreter living in
        # a checkout under /tmp (a venv, .tools/node) must stay visible.
        for source, bind in sources:
            a += ["--ro-bind", source, bind.dst]
        # The program is pid 1 of its namespace and bwrap's own child: bwrap reaps it, so when
        # bwrap exits the whole namespace is already gone (its reaper mode leaves an orphaned
        # zombie for the host's init to collect whenever it gets round to it), and wait4's
        # rusage covers the program. The price: a pid 1 ignores signals it has no handler for
        # (SIGXCPU, SIGXFSZ from rlimits included), so the CPU limit is enforced by the hard
        # limit's SIGKILL and a too-large write fails with EFBIG instead of a signal.
        a += ["--remount-ro", "/", "--as-pid-1"]
        a += ["--chdir", CODE_DIR if request.files_dir is not None else "/tmp"]
        a += ["--seccomp", str(fd), "--", *argv]
        return a

    def _run_in_slot(
        self,
        request: RunRequest,
        binds: list[_Bind],
        argv: list[str],
        uid: int | None,
        run_cg: cgroup.CgroupRun | None,
    ) -> RunResult:
        assert self._state is not None
        limits = request.limits
        stage_root = self._state / "stage"
        if self._root:
            sources = [(str(stage_root / str(i)), b) for i, b in enumerate(binds)]
            staging = [(b.src.encode(), src.encode(), b.is_dir) for (src, b) in sources]
        else:
            sources = [(b.src, b) for b in binds]
            staging = None
        rl = rlimits(limits, Language(request.language), memory_in_cgroup=run_cg is not None)
        if uid is None:
            rl = self._rlimits_for_shared_uid(rl, run_cg is not None)
        seccomp_fd = _memfd("seccomp", deny_list_bpf())
        stdin_fd = _memfd("stdin", request.stdin)  # type: ignore[arg-type]
        join_fds = run_cg.open_join_fds() if run_cg else []
        argv_full = self._bwrap_argv(request, sources, argv, seccomp_fd)
        started = time.monotonic()
        try:
            proc = subprocess.Popen(
                argv_full,
                stdin=stdin_fd,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                pass_fds=(seccomp_fd,),
                preexec_fn=_make_preexec(join_fds, staging, str(stage_root).encode(), rl, uid),
                env={"PATH": "/usr/bin:/bin"},  # bwrap and the pid-1 reaper see nothing secret
                cwd="/",
                start_new_session=True,
            )
        except subprocess.SubprocessError as exc:
            raise SandboxError(f"could not start bwrap: {exc}") from exc
        finally:
            os.close(seccomp_fd)
            os.close(stdin_fd)
            if run_cg:
                run_cg.close_join_fds()

        def kill() -> None:
            # Kill the program (pid 1 of the namespace: the kernel then kills the rest) and let
            # bwrap reap it. Killing bwrap too would orphan it to the host's init, and nothing
            # says how soon that reaps. bwrap itself is only killed if it has no child yet.
            try:
                children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
            except OSError:
                children = []
            for child in children:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(int(child), signal.SIGKILL)
            if not children:
                if uid is not None:
                    slots.kill_uid(uid)
                with contextlib.suppress(ProcessLookupError):
                    os.kill(proc.pid, signal.SIGKILL)

        assert proc.stdout is not None and proc.stderr is not None
        pidfd = os.pidfd_open(proc.pid)
        try:
            captured = pump(
                proc.stdout.fileno(),
                proc.stderr.fileno(),
                pidfd,
                limits.output_bytes,
                started + limits.wall_seconds,
                kill,
            )
            # pump gives up waiting a while after a kill; never block on a child still running
            if os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is None:
                kill()
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            os.close(pidfd)
            proc.stdout.close()
            proc.stderr.close()
        wall = time.monotonic() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        return self._result(request.limits, captured, status, usage, wall, run_cg)

    def _rlimits_for_shared_uid(
        self, rl: list[tuple[int, tuple[int, int]]], have_cgroup: bool
    ) -> list[tuple[int, tuple[int, int]]]:
        """Without our own uid, RLIMIT_NPROC would count the user's other processes too."""
        kept = [(r, v) for r, v in rl if r != resource.RLIMIT_NPROC]
        if not have_cgroup:
            own = len(slots.uid_processes(os.geteuid()))
            extra = next(v[0] for r, v in rl if r == resource.RLIMIT_NPROC)
            kept.append((resource.RLIMIT_NPROC, (own + extra,) * 2))
        return kept

    def _result(
        self,
        limits: Limits,
        captured: Captured,
        status: int,
        usage: resource.struct_rusage,
        wall: float,
        run_cg: cgroup.CgroupRun | None,
    ) -> RunResult:
        stderr = captured.stderr.data
        if os.WIFSIGNALED(status):  # bwrap itself was killed (by us)
            exit_code, sig = None, os.WTERMSIG(status)
        else:
            code = os.WEXITSTATUS(status)
            # bwrap reports a child killed by signal N as exit status 128+N, like a shell.
            if 128 < code <= 128 + 64:
                exit_code, sig = None, code - 128
            else:
                exit_code, sig = code, None
            if code == 1 and stderr.startswith(b"bwrap: ") and captured.killed_for is None:
                raise SandboxError(f"bwrap failed: {stderr.decode(errors='replace').strip()}")
        stats = run_cg.stats() if run_cg else None
        cpu = usage.ru_utime + usage.ru_stime
        if stats and stats.cpu_seconds is not None:
            cpu = stats.cpu_seconds
        if stats and stats.peak_memory_bytes:
            peak, source = stats.peak_memory_bytes, "cgroup"
        else:
            peak, source = usage.ru_maxrss * 1024, "rusage"
        reason = classify(
            killed_for=captured.killed_for,
            signal_number=sig,
            exit_code=exit_code,
            cpu_seconds=cpu,
            limits=limits,
            oom_kills=stats.oom_kills if stats else 0,
            pids_limit_hits=stats.pids_limit_hits if stats else 0,
            stderr_tail=stderr[-4096:],
            counters_available=stats is not None,
        )
        return RunResult(
            stdout=captured.stdout.data,
            stderr=stderr,
            stdout_truncated=captured.stdout.truncated,
            stderr_truncated=captured.stderr.truncated,
            exit_code=exit_code,
            signal=sig,
            wall_seconds=round(wall, 4),
            cpu_seconds=round(cpu, 4),
            peak_memory_bytes=peak,
            limit_reason=reason,
            backend=self.name,
            memory_source=source,
        )
