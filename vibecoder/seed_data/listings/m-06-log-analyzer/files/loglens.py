"""Summarise combined-format access logs (with an optional trailing request time)."""

import re
import sys
from collections import Counter, defaultdict

LINE = re.compile(
    r'(?P<ip>\S+) \S+ \S+ \[(?P<time>[^\]]+)\] "(?P<method>\S+) (?P<path>\S+) [^"]*" '
    r'(?P<status>\d{3}) (?P<size>\d+|-)(?: "[^"]*" "[^"]*")?(?: (?P<rt>[\d.]+))?'
)


def parse(lines):
    for line in lines:
        match = LINE.match(line)
        if match:
            entry = match.groupdict()
            entry["path"] = entry["path"].split("?", 1)[0]
            entry["rt"] = float(entry["rt"]) if entry["rt"] else None
            yield entry


def summarise(entries):
    paths, statuses, times = Counter(), Counter(), defaultdict(list)
    total = 0
    for entry in entries:
        total += 1
        paths[entry["method"] + " " + entry["path"]] += 1
        statuses[entry["status"][0] + "xx"] += 1
        if entry["rt"] is not None:
            times[entry["path"]].append(entry["rt"])
    slowest = sorted(((sum(v) / len(v), p) for p, v in times.items()), reverse=True)[:5]
    return {"requests": total, "top_paths": paths.most_common(5), "status": dict(sorted(statuses.items())),
            "slowest": [(p, round(avg, 3)) for avg, p in slowest],
            "error_rate": round(statuses.get("5xx", 0) / total, 4) if total else 0.0}


if __name__ == "__main__":
    report = summarise(parse(sys.stdin))
    print(f"{report['requests']} requests, error rate {report['error_rate']:.1%}")
    print("status:", report["status"])
    for path, count in report["top_paths"]:
        print(f"  {count:6d}  {path}")
    for path, avg in report["slowest"]:
        print(f"  slow  {avg:.3f}s  {path}")
