#!/usr/bin/env bash
# The Debian packages the running app needs that pip and npm cannot bring:
#   scripts/system-deps.sh          chromium (the builder's shadow render), bubblewrap and
#                                   libseccomp2 (the sandbox): `make run` and `make test`
#   scripts/system-deps.sh --prod   the same plus nginx and redis-server: `make prod-local`
#   scripts/system-deps.sh --bench  the --prod set plus wrk (the license API's load client):
#                                   `make bench`, `make bench-topology`
#   scripts/system-deps.sh --test   the same plus docker-compose (validates the compose file,
#                                   no engine needed): `make test`
# When something is missing and we are root with apt-get, it is installed (one `apt-get update`,
# then a noninteractive install); otherwise the script stops with one line naming the command.
# VIBECODER_SYSTEM_DEPS=skip turns that stop into a warning: the app then starts and reports the
# missing capability (GET /api/health, the builder and sandbox panels) instead of failing later.
set -euo pipefail

packages=(chromium bubblewrap libseccomp2)
case "${1:-}" in
  "") ;;
  --prod) packages+=(nginx redis-server) ;;
  --bench) packages+=(nginx redis-server wrk) ;;
  --test) packages+=(nginx redis-server docker-compose) ;;
  *) echo "usage: $0 [--prod|--bench|--test]" >&2; exit 2 ;;
esac

# nginx and ldconfig live in sbin directories, which are not on a normal user's PATH.
have() { PATH="$PATH:/usr/sbin:/sbin" type -P "$1" >/dev/null; }

has_lib() {
  local cache
  # ldconfig's cache is what ctypes (sandbox/seccomp.py) searches too.
  cache=$(PATH="$PATH:/usr/sbin:/sbin" ldconfig -p 2>/dev/null) || return 1
  [[ "$cache" == *"$1"* ]]
}

present() {
  case "$1" in
    chromium) have chromium ;;
    bubblewrap) have bwrap ;;
    libseccomp2) has_lib libseccomp.so.2 ;;
    *) have "$1" ;;  # nginx, redis-server: the package's command has its name
  esac
}

missing_of() {
  local p
  for p in "$@"; do present "$p" || echo "$p"; done
}

mapfile -t missing < <(missing_of "${packages[@]}")
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$EUID" -eq 0 ] && have apt-get; then
  echo "system-deps: installing ${missing[*]} with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
  mapfile -t still < <(missing_of "${missing[@]}")
  if [ ${#still[@]} -gt 0 ]; then
    echo "system-deps: apt-get finished but ${still[*]} still cannot be found" >&2
    exit 1
  fi
  exit 0
fi

install="apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$EUID" -ne 0 ]; then
  line="missing system packages: ${missing[*]}; run: sudo sh -c '$install'"
else
  line="missing system packages: ${missing[*]}; no apt-get here, install them with your package manager (Debian: $install)"
fi
if [ "${VIBECODER_SYSTEM_DEPS:-}" = skip ]; then
  echo "warning: $line (VIBECODER_SYSTEM_DEPS=skip: continuing without them)" >&2
  exit 0
fi
echo "$line" >&2
exit 1
