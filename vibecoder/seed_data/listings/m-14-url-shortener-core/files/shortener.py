"""URL shortener core: codes, aliases, expiry and stats. Storage is a dict-like object."""

import re
import time
from urllib.parse import urlparse

ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
ALIAS = re.compile(r"^[A-Za-z0-9_-]{3,32}$")


def encode(number):
    code = ""
    while True:
        number, rest = divmod(number, 62)
        code = ALPHABET[rest] + code
        if number == 0:
            return code


class Shortener:
    def __init__(self, store=None, clock=time.time):
        self.store = store if store is not None else {}
        self.clock = clock
        self.counter = 100_000

    def shorten(self, url, alias=None, ttl_seconds=None):
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ValueError("only absolute http(s) URLs can be shortened")
        if alias is not None:
            if not ALIAS.match(alias):
                raise ValueError("aliases are 3-32 letters, digits, - or _")
            if alias in self.store:
                raise ValueError("alias already taken")
            code = alias
        else:
            self.counter += 1
            code = encode(self.counter)
        expires = self.clock() + ttl_seconds if ttl_seconds else None
        self.store[code] = {"url": url, "expires": expires, "clicks": 0}
        return code

    def resolve(self, code):
        entry = self.store.get(code)
        if entry is None or (entry["expires"] and entry["expires"] < self.clock()):
            return None
        entry["clicks"] += 1
        return entry["url"]

    def stats(self, code):
        entry = self.store.get(code)
        return None if entry is None else {"url": entry["url"], "clicks": entry["clicks"]}


if __name__ == "__main__":
    service = Shortener()
    code = service.shorten("https://example.com/a/very/long/path?utm_source=newsletter")
    service.resolve(code)
    print("short code:", code, "->", service.stats(code))
    print("alias:", service.shorten("https://example.com/launch", alias="launch"))
