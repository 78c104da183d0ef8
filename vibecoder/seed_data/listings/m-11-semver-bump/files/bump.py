"""Decide the next semantic version from conventional commit subjects on stdin."""

import re
import sys

SEMVER = re.compile(r"^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?$")


def bump_kind(subjects):
    kind = None
    for subject in subjects:
        if re.match(r"^\w+(\(.+\))?!:", subject) or "BREAKING CHANGE" in subject:
            return "major"
        if subject.startswith("feat"):
            kind = "minor"
        elif subject.startswith(("fix", "perf")) and kind is None:
            kind = "patch"
    return kind


def bump(version, kind):
    match = SEMVER.match(version)
    if not match:
        raise ValueError(f"{version!r} is not a semantic version")
    major, minor, patch = (int(x) for x in match.groups()[:3])
    if kind == "major":
        return f"{major + 1}.0.0" if major > 0 else f"0.{minor + 1}.0"
    if kind == "minor":
        return f"{major}.{minor + 1}.0"
    if kind == "patch":
        return f"{major}.{minor}.{patch + 1}"
    return version


if __name__ == "__main__":
    current = sys.argv[1] if len(sys.argv) > 1 else "0.1.0"
    kind = bump_kind(line.strip() for line in sys.stdin if line.strip())
    print(bump(current, kind), f"({kind or 'no release'})")
