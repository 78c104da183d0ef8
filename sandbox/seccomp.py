"""A seccomp-BPF deny list for bwrap's `--seccomp FD`, compiled with libseccomp through ctypes.

The default action is allow: the namespaces, dropped capabilities and rlimits do the containing,
and this filter removes kernel attack surface that untrusted test code never needs. Denied calls
fail with EPERM rather than killing the process so programs can report a clean error. libseccomp
rejects foreign architectures (the i386 `int 0x80` entry point and x32) with a kill by default,
so a 32-bit syscall cannot sidestep the list.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import functools
import os

from sandbox.errors import SandboxUnavailable

SCMP_ACT_ALLOW = 0x7FFF0000


def _act_errno(err: int) -> int:
    return 0x00050000 | (err & 0xFFFF)


DENIED_SYSCALLS: tuple[str, ...] = (
    # debugging / reading other processes' memory
    "ptrace",
    "process_vm_readv",
    "process_vm_writev",
    "kcmp",
    # mounts and namespaces (bwrap has already built ours; nothing inside may rebuild them)
    "mount",
    "umount2",
    "pivot_root",
    "chroot",
    "unshare",
    "setns",
    "open_tree",
    "move_mount",
    "fsopen",
    "fsconfig",
    "fsmount",
    "fspick",
    "mount_setattr",
    # kernel modules, kexec, reboot, swap
    "init_module",
    "finit_module",
    "delete_module",
    "kexec_load",
    "kexec_file_load",
    "reboot",
    "swapon",
    "swapoff",
    # kernel keyring
    "keyctl",
    "add_key",
    "request_key",
    # large, often-exploited kernel interfaces
    "bpf",
    "perf_event_open",
    "userfaultfd",
    "io_uring_setup",
    "io_uring_enter",
    "io_uring_register",
    "open_by_handle_at",
    "name_to_handle_at",
    "fanotify_init",
    "lookup_dcookie",
    # host-wide knobs
    "acct",
    "quotactl",
    "syslog",
    "iopl",
    "ioperm",
    "settimeofday",
    "clock_settime",
    "clock_adjtime",
    "adjtimex",
    "sethostname",
    "setdomainname",
    "vhangup",
)


@functools.cache
def _libseccomp() -> ctypes.CDLL:
    name = ctypes.util.find_library("seccomp") or "libseccomp.so.2"
    try:
        lib = ctypes.CDLL(name, use_errno=True)
    except OSError as exc:
        raise SandboxUnavailable(
            "libseccomp is missing: install the Debian package libseccomp2"
        ) from exc
    lib.seccomp_init.restype = ctypes.c_void_p
    lib.seccomp_init.argtypes = [ctypes.c_uint32]
    lib.seccomp_syscall_resolve_name.restype = ctypes.c_int
    lib.seccomp_syscall_resolve_name.argtypes = [ctypes.c_char_p]
    lib.seccomp_rule_add.restype = ctypes.c_int
    lib.seccomp_rule_add.argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.c_int, ctypes.c_uint]
    lib.seccomp_export_bpf.restype = ctypes.c_int
    lib.seccomp_export_bpf.argtypes = [ctypes.c_void_p, ctypes.c_int]
    lib.seccomp_release.restype = None
    lib.seccomp_release.argtypes = [ctypes.c_void_p]
    return lib


@functools.cache
def deny_list_bpf() -> bytes:
    """The compiled filter (struct sock_filter[]), built once per process."""
    lib = _libseccomp()
    ctx = lib.seccomp_init(SCMP_ACT_ALLOW)
    if not ctx:
        raise SandboxUnavailable("seccomp_init failed")
    try:
        for name in DENIED_SYSCALLS:
            nr = lib.seccomp_syscall_resolve_name(name.encode())
            if nr < 0:  # unknown to this libseccomp/architecture: nothing to deny
                continue
            rc = lib.seccomp_rule_add(ctx, _act_errno(errno.EPERM), nr, 0)
            if rc < 0:
                raise SandboxUnavailable(f"seccomp_rule_add({name}) failed: {os.strerror(-rc)}")
        # A memfd, not a pipe: export writes everything before we read, so a pipe could fill up.
        fd = os.memfd_create("seccomp-bpf", os.MFD_CLOEXEC)
        try:
            rc = lib.seccomp_export_bpf(ctx, fd)
            if rc < 0:
                raise SandboxUnavailable(f"seccomp_export_bpf failed: {os.strerror(-rc)}")
            size = os.lseek(fd, 0, os.SEEK_CUR)
            program = os.pread(fd, size, 0)
        finally:
            os.close(fd)
    finally:
        lib.seccomp_release(ctx)
    if not program or len(program) % 8:
        raise SandboxUnavailable("libseccomp produced an empty or malformed BPF program")
    return program
