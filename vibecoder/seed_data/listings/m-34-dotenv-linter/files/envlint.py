"""Lint a .env file (stdin) and optionally compare it with an example file."""

import re
import sys

NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")


def parse(text):
    entries, problems = {}, []
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if "=" not in stripped:
            problems.append((number, "missing '='"))
            continue
        key, value = stripped.split("=", 1)
        if not NAME.match(key):
            problems.append((number, f"'{key}' should be UPPER_SNAKE_CASE without spaces"))
        if key.upper() in {k.upper() for k in entries}:
            problems.append((number, f"duplicate key {key}"))
        if value[:1] in "\"'" and (len(value) < 2 or value[-1] != value[0]):
            problems.append((number, "unterminated quote"))
        entries[key] = value.strip("\"'")
    return entries, problems


def compare(entries, example_keys):
    missing = sorted(set(example_keys) - set(entries))
    extra = sorted(set(entries) - set(example_keys))
    return missing, extra


if __name__ == "__main__":
    entries, problems = parse(sys.stdin.read())
    for number, message in problems:
        print(f"line {number}: {message}")
    if len(sys.argv) > 1:
        with open(sys.argv[1], encoding="utf-8") as handle:
            example, _ = parse(handle.read())
        missing, extra = compare(entries, example)
        for key in missing:
            print(f"missing: {key} (listed in {sys.argv[1]})")
        for key in extra:
            print(f"not documented: {key}")
    print(f"{len(entries)} keys, {len(problems)} problem(s)")
