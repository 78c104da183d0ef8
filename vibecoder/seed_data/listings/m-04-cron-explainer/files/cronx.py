"""Explain a 5-field cron expression and compute its next run times."""

import sys
from datetime import datetime, timedelta

FIELDS = [("minute", 0, 59), ("hour", 0, 23), ("day of month", 1, 31), ("month", 1, 12), ("day of week", 0, 6)]
DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]


def expand(field, low, high):
    values = set()
    for part in field.split(","):
        step = 1
        if "/" in part:
            part, step_text = part.split("/", 1)
            step = int(step_text)
            if step <= 0:
                raise ValueError("step must be positive")
        if part == "*":
            start, end = low, high
        elif "-" in part:
            start, end = (int(x) for x in part.split("-", 1))
        else:
            start = end = int(part)
        if not (low <= start <= end <= high):
            raise ValueError(f"{part} is outside {low}-{high}")
        values.update(range(start, end + 1, step))
    return sorted(values)


def parse(expression):
    parts = expression.split()
    if len(parts) != 5:
        raise ValueError("a cron expression has 5 fields: minute hour day month weekday")
    return [expand(part, low, high) for part, (_, low, high) in zip(parts, FIELDS)]


def describe(expression):
    parts = expression.split()
    minutes, hours, days, months, weekdays = parse(expression)
    text = []
    text.append("every minute" if parts[0] == "*" else
                f"every {parts[0].split('/')[1]} minutes" if parts[0].startswith("*/") else
                "at minute " + ", ".join(map(str, minutes)))
    if parts[1] != "*":
        text.append(f"between {hours[0]:02d}:00 and {hours[-1]:02d}:59" if "-" in parts[1] else
                    "during hour " + ", ".join(map(str, hours)))
    if parts[4] != "*":
        text.append("on " + ", ".join(DAYS[d] for d in weekdays))
    if parts[2] != "*":
        text.append("on day " + ", ".join(map(str, days)) + " of the month")
    if parts[3] != "*":
        text.append("in month " + ", ".join(map(str, months)))
    return ", ".join(text)


def next_runs(expression, start, count=5):
    minutes, hours, days, months, weekdays = parse(expression)
    moment = start.replace(second=0, microsecond=0) + timedelta(minutes=1)
    runs = []
    for _ in range(60 * 24 * 366):
        if (moment.minute in minutes and moment.hour in hours and moment.day in days
                and moment.month in months and (moment.weekday() + 1) % 7 in weekdays):
            runs.append(moment)
            if len(runs) == count:
                break
        moment += timedelta(minutes=1)
    return runs


if __name__ == "__main__":
    expression = sys.argv[1] if len(sys.argv) > 1 else "0 9 * * 1"
    try:
        print(describe(expression))
        for run in next_runs(expression, datetime(2026, 11, 23, 8, 0)):
            print(" next:", run.strftime("%a %Y-%m-%d %H:%M"))
    except ValueError as error:
        sys.exit(f"invalid expression: {error}")
