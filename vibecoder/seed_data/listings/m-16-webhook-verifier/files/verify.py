"""Verify `t=<unix>,v1=<hex>` webhook signatures with tolerance, rotation and replay protection."""

import hashlib
import hmac
import time


class SignatureError(ValueError):
    pass


def sign(payload: bytes, secret: str, timestamp: int) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify(payload: bytes, header: str, secrets, tolerance=300, now=None, seen=None):
    """Return the timestamp if any v1 signature matches any secret; raise SignatureError otherwise."""
    now = time.time() if now is None else now
    fields = [item.split("=", 1) for item in header.split(",") if "=" in item]
    timestamps = [v for k, v in fields if k == "t"]
    signatures = [v for k, v in fields if k == "v1"]
    if len(timestamps) != 1 or not timestamps[0].isdigit() or not signatures:
        raise SignatureError("malformed signature header")
    timestamp = int(timestamps[0])
    if abs(now - timestamp) > tolerance:
        raise SignatureError("timestamp outside the tolerance window")
    expected = [sign(payload, secret, timestamp).split("v1=")[1] for secret in secrets]
    if not any(hmac.compare_digest(e, s) for e in expected for s in signatures):
        raise SignatureError("no signature matches")
    if seen is not None:
        digest = hashlib.sha256(header.encode()).hexdigest()
        if digest in seen:
            raise SignatureError("replayed delivery")
        seen.add(digest)
    return timestamp


if __name__ == "__main__":
    body = b'{"type": "order.paid", "id": "evt_1"}'
    header = sign(body, "whsec_new", 1_763_600_000)
    print("valid:", verify(body, header, ["whsec_old", "whsec_new"], now=1_763_600_100))
    try:
        verify(body + b" ", header, ["whsec_new"], now=1_763_600_100)
    except SignatureError as error:
        print("tampered body rejected:", error)
