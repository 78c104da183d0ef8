"""Summarise `git log --pretty=format:'%h|%an|%ad|%s' --date=short` for a standup."""

import re
import sys
from collections import defaultdict

CONVENTIONAL = re.compile(r"^(?P<type>feat|fix|docs|refactor|test|chore|perf)(\([^)]*\))?!?:\s*(?P<text>.+)$")
LABELS = {"feat": "Features", "fix": "Fixes", "docs": "Docs", "refactor": "Refactoring",
          "test": "Tests", "chore": "Chores", "perf": "Performance", "other": "Other"}


def parse(lines):
    for line in lines:
        parts = line.rstrip("\n").split("|", 3)
        if len(parts) == 4:
            sha, author, date, subject = parts
            yield {"sha": sha, "author": author, "date": date, "subject": subject}


def summarise(commits):
    by_date = defaultdict(lambda: defaultdict(list))
    for commit in commits:
        match = CONVENTIONAL.match(commit["subject"])
        kind, text = (match["type"], match["text"]) if match else ("other", commit["subject"])
        by_date[commit["date"]][kind].append(f"{text} ({commit['sha']})")
    out = []
    for date in sorted(by_date, reverse=True):
        out.append(f"## {date}")
        for kind in LABELS:
            items = by_date[date].get(kind)
            if items:
                out.append(f"**{LABELS[kind]}**")
                out.extend(f"- {item}" for item in items)
    return "\n".join(out)


if __name__ == "__main__":
    print(summarise(parse(sys.stdin)) or "No commits. A quiet day!")
