"""Score passwords 0-4 with reasons, in the spirit of zxcvbn but tiny."""

import math
import re
import sys

COMMON = {"password", "123456", "qwerty", "letmein", "iloveyou", "admin", "welcome", "monkey", "dragon"}
KEYBOARD_ROWS = ["qwertyuiop", "asdfghjkl", "zxcvbnm", "1234567890"]


def charset_size(password):
    size = 0
    size += 26 if re.search(r"[a-z]", password) else 0
    size += 26 if re.search(r"[A-Z]", password) else 0
    size += 10 if re.search(r"\d", password) else 0
    size += 33 if re.search(r"[^A-Za-z0-9]", password) else 0
    return size or 1


def analyse(password):
    reasons = []
    bits = len(password) * math.log2(charset_size(password))
    lowered = password.lower()
    if lowered in COMMON or re.sub(r"[\d!?.]+$", "", lowered) in COMMON:
        bits = min(bits, 10)
        reasons.append("it is (a variant of) a very common password")
    if re.search(r"(19|20)\d{2}", password):
        bits -= 10
        reasons.append("contains a year")
    if re.search(r"(.)\1{2,}", password):
        bits -= 8
        reasons.append("repeats a character")
    for row in KEYBOARD_ROWS:
        if any(row[i:i + 4] in lowered for i in range(len(row) - 3)):
            bits -= 12
            reasons.append("contains a keyboard run")
            break
    if len(password) < 10:
        reasons.append("shorter than 10 characters")
    score = 0 if bits < 28 else 1 if bits < 40 else 2 if bits < 60 else 3 if bits < 80 else 4
    return {"score": score, "bits": round(max(bits, 0), 1), "reasons": reasons}


if __name__ == "__main__":
    for candidate in sys.argv[1:] or ["hunter2"]:
        result = analyse(candidate)
        print(f"{candidate!r}: {result['score']}/4 ({result['bits']} bits)", "; ".join(result["reasons"]))
