"""Chat command parsing and dispatch, independent of any chat platform."""

import random
import re
import shlex
import sys

DURATION = re.compile(r"^(\d+)([smhd])$")
SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
DICE = re.compile(r"^(\d{1,2})d(\d{1,3})$")


class CommandError(ValueError):
    pass


def duration(text):
    match = DURATION.match(text)
    if not match:
        raise CommandError(f"'{text}' is not a duration like 10m or 2h")
    return int(match.group(1)) * SECONDS[match.group(2)]


def remind(args):
    if len(args) < 2:
        raise CommandError("usage: /remind <duration> <message>")
    return f"⏰ I will remind you in {duration(args[0])} seconds: {' '.join(args[1:])}"


def roll(args, rng=random.Random(7)):
    match = DICE.match(args[0] if args else "")
    if not match:
        raise CommandError("usage: /roll NdM, e.g. /roll 2d6")
    count, sides = int(match.group(1)), int(match.group(2))
    if not (1 <= count <= 20 and 2 <= sides <= 100):
        raise CommandError("between 1 and 20 dice with 2 to 100 sides")
    rolls = [rng.randint(1, sides) for _ in range(count)]
    return f"🎲 {rolls} = {sum(rolls)}"


def poll(args):
    if len(args) < 3:
        raise CommandError("usage: /poll <question> <option> <option> [...]")
    options = "\n".join(f"{chr(0x1F1E6 + i)} {o}" for i, o in enumerate(args[1:10]))
    return f"📊 {args[0]}\n{options}"


COMMANDS = {"remind": remind, "roll": roll, "poll": poll}


def handle(message):
    if not message.startswith("/"):
        return None
    try:
        name, *args = shlex.split(message[1:])
    except ValueError:
        return "⚠️ unbalanced quotes"
    command = COMMANDS.get(name.lower())
    if command is None:
        return f"⚠️ unknown command /{name}. Try: " + ", ".join(f"/{c}" for c in COMMANDS)
    try:
        return command(args)
    except CommandError as error:
        return f"⚠️ {error}"


if __name__ == "__main__":
    for line in sys.stdin:
        reply = handle(line.strip())
        if reply:
            print(reply)
