"""Rename photos by the date they were taken (falls back to the file's modification time)."""

import argparse
import os
import re
import sys
from datetime import datetime

EXIF_DATE = re.compile(rb"(\d{4}):(\d{2}):(\d{2}) (\d{2}):(\d{2}):(\d{2})")
PHOTO_EXTENSIONS = {".jpg", ".jpeg", ".png", ".heic", ".webp"}


def taken_at(data: bytes, fallback: float) -> datetime:
    """The first EXIF-style timestamp in the file header, else the fallback time."""
    match = EXIF_DATE.search(data[:65536])
    if match:
        try:
            return datetime(*(int(part) for part in match.groups()))
        except ValueError:
            pass
    return datetime.fromtimestamp(fallback)


def plan_renames(entries):
    """entries: (name, header_bytes, mtime). Returns [(old, new)] with collisions numbered."""
    used = set()
    plan = []
    for name, header, mtime in sorted(entries):
        stem, ext = os.path.splitext(name)
        if ext.lower() not in PHOTO_EXTENSIONS:
            continue
        base = taken_at(header, mtime).strftime("%Y-%m-%d_%H%M%S")
        candidate, counter = base + ext.lower(), 1
        while candidate in used:
            counter += 1
            candidate = f"{base}_{counter}{ext.lower()}"
        used.add(candidate)
        if candidate != name:
            plan.append((name, candidate))
    return plan


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", nargs="?", default=".")
    parser.add_argument("--apply", action="store_true", help="rename for real (default: dry run)")
    parser.add_argument("--demo", action="store_true", help="show a plan for sample photos")
    args = parser.parse_args(argv)
    if args.demo:
        entries = [
            ("IMG_0412.JPG", b"Exif..2026:05:01 09:15:02", 0),
            ("IMG_0413.JPG", b"Exif..2026:05:01 09:15:02", 0),
            ("beach.png", b"no exif here", 1746000000),
            ("notes.txt", b"", 0),
        ]
    else:
        entries = []
        for name in os.listdir(args.folder):
            path = os.path.join(args.folder, name)
            if os.path.isfile(path):
                with open(path, "rb") as handle:
                    entries.append((name, handle.read(65536), os.path.getmtime(path)))
    plan = plan_renames(entries)
    for old, new in plan:
        print(f"{old} -> {new}")
        if args.apply and not args.demo:
            os.rename(os.path.join(args.folder, old), os.path.join(args.folder, new))
    print(f"{len(plan)} file(s) {'renamed' if args.apply else 'would be renamed'}", file=sys.stderr)


if __name__ == "__main__":
    main()
