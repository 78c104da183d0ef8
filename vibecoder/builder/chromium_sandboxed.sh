#!/bin/sh
# The shadow renderer's Chromium, inside bubblewrap (vibecoder/builder/shadow.py): no network
# namespace shared with the host (no network at all), a read-only filesystem with empty /tmp,
# /root and /dev/shm, its own pid/ipc/uts namespaces, and the environment Playwright passes
# (no app secrets). Chromium's own sandbox cannot start as root, hence --no-sandbox in the
# arguments and this one around it. Playwright talks to it over inherited pipes (fds 3, 4).
exec bwrap --ro-bind / / --dev /dev --proc /proc --tmpfs /tmp --tmpfs /dev/shm --tmpfs /root \
  --tmpfs /home --unshare-net --unshare-pid --unshare-ipc --unshare-uts \
  --die-with-parent --new-session \
  "${VC_CHROMIUM_REAL:-/usr/bin/chromium}" "$@"
