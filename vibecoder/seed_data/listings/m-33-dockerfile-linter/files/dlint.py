"""Lint Dockerfiles for common production mistakes."""

import re
import sys


def logical_lines(text):
    buffer, start = "", None
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        start = start or number
        if line.endswith("\\"):
            buffer += line[:-1] + " "
            continue
        yield start, buffer + line
        buffer, start = "", None


def lint(text):
    problems, has_user, has_healthcheck = [], False, False
    for number, line in logical_lines(text):
        instruction, _, args = line.partition(" ")
        instruction = instruction.upper()
        if instruction == "FROM" and (args.endswith(":latest") or ":" not in args.split(" ")[0] and "@" not in args):
            problems.append((number, "DL3007", "pin the base image to a version, not latest"))
        if instruction == "RUN" and "apt-get install" in args:
            if "--no-install-recommends" not in args:
                problems.append((number, "DL3015", "use --no-install-recommends"))
            if "rm -rf /var/lib/apt/lists" not in args:
                problems.append((number, "DL3009", "delete the apt lists in the same layer"))
        if instruction == "ADD" and not re.search(r"https?://|\.tar", args):
            problems.append((number, "DL3020", "use COPY for local files"))
        if instruction in ("CMD", "ENTRYPOINT") and not args.startswith("["):
            problems.append((number, "DL3025", "use the JSON (exec) form so signals reach your process"))
        if instruction == "USER":
            has_user = args.strip() not in ("root", "0")
        if instruction == "HEALTHCHECK":
            has_healthcheck = True
    if not has_user:
        problems.append((0, "DL3002", "the container runs as root; add a USER"))
    if not has_healthcheck:
        problems.append((0, "DL3057", "no HEALTHCHECK"))
    return problems


if __name__ == "__main__":
    found = lint(sys.stdin.read())
    for line, code, message in found:
        print(f"line {line or '-'}: {code} {message}")
    sys.exit(0 if not found else 0)
