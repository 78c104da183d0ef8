"""Making the code dir readable by the unprivileged sandbox uid.

The run sees the host file modes, and the caller's tree is often private (mkdtemp() makes 0700
dirs). Rather than chmod the caller's files, a tree the sandbox could not read is copied into a
runner-owned directory with sane modes: dirs 0755, files 0644 (0755 when executable), symlinks
kept as symlinks (they resolve inside the sandbox, where nothing of the host is mounted),
special files and setuid/setgid bits dropped.
"""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path


def readable_by_others(root: str) -> bool:
    """True when every dir is o+rx and every regular file o+r, so it can be bound as it is."""
    st = os.stat(root)
    if st.st_mode & 0o005 != 0o005:
        return False
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            st = os.lstat(os.path.join(dirpath, name))
            if stat.S_ISDIR(st.st_mode):
                if st.st_mode & 0o005 != 0o005:
                    return False
            elif stat.S_ISREG(st.st_mode) and not st.st_mode & 0o004:
                return False
    return True


def copy_readable(src: str, dst: Path) -> None:
    """Copy `src` to the new directory `dst` with modes the sandbox uid can read."""
    dst.mkdir(mode=0o755)
    for dirpath, dirnames, filenames in os.walk(src):
        rel = os.path.relpath(dirpath, src)
        target_dir = dst if rel == "." else dst / rel
        for name in dirnames:
            path = os.path.join(dirpath, name)
            if os.path.islink(path):  # os.walk does not descend into links to dirs
                os.symlink(os.readlink(path), target_dir / name)
            else:
                (target_dir / name).mkdir(mode=0o755)
        for name in filenames:
            path = os.path.join(dirpath, name)
            st = os.lstat(path)
            if stat.S_ISLNK(st.st_mode):
                os.symlink(os.readlink(path), target_dir / name)
            elif stat.S_ISREG(st.st_mode):
                shutil.copyfile(path, target_dir / name, follow_symlinks=False)
                os.chmod(target_dir / name, 0o755 if st.st_mode & 0o111 else 0o644)
        # explicit chmod: mkdir's mode is filtered by the umask
        for name in dirnames:
            if not os.path.islink(os.path.join(dirpath, name)):
                os.chmod(target_dir / name, 0o755)  # noqa: S103 - the sandbox uid must read it
    os.chmod(dst, 0o755)  # noqa: S103 - ditto; the copy lives in the runner's 0755 state dir
