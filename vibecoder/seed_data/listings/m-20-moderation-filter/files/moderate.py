"""Rule-based chat moderation returning (action, reasons)."""

import re
import sys
import unicodedata

INVITE = re.compile(r"(discord\.gg|discord(app)?\.com/invite|t\.me/joinchat)/\w+", re.I)
LINK = re.compile(r"https?://\S+", re.I)
SPAM_WORDS = ["free nitro", "cheap followers", "crypto giveaway", "dm me for"]
LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"})


def normalise(text):
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"(.)\1{2,}", r"\1\1", text.lower().translate(LEET))


def moderate(message, blocked_words=("badword",), max_mentions=5):
    reasons = []
    flat = normalise(message)
    if INVITE.search(message):
        reasons.append("server invite link")
    if sum(flat.count(w) for w in SPAM_WORDS):
        reasons.append("spam phrase")
    if message.count("@") > max_mentions:
        reasons.append("mass mention")
    letters = [c for c in message if c.isalpha()]
    if len(letters) > 12 and sum(c.isupper() for c in letters) / len(letters) > 0.8:
        reasons.append("shouting")
    if any(re.search(rf"\b{re.escape(w)}\b", flat) for w in blocked_words):
        reasons.append("blocked word")
    if len(LINK.findall(message)) > 2:
        reasons.append("link flood")
    severe = {"server invite link", "blocked word", "spam phrase"}
    action = "delete" if severe & set(reasons) else "warn" if reasons else "allow"
    return action, reasons


if __name__ == "__main__":
    for line in sys.stdin:
        action, reasons = moderate(line.strip())
        print(f"{action:6} {line.strip()[:50]!r} {', '.join(reasons)}")
