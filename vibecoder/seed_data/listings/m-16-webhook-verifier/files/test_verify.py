import pytest

from verify import SignatureError, sign, verify

BODY = b'{"id": "evt_1"}'


def test_valid_with_rotated_secret():
    header = sign(BODY, "new", 1000)
    assert verify(BODY, header, ["old", "new"], now=1100) == 1000


@pytest.mark.parametrize("mutate", [lambda h: h.replace("v1=", "v1=0"), lambda h: "garbage"])
def test_forged_headers(mutate):
    with pytest.raises(SignatureError):
        verify(BODY, mutate(sign(BODY, "s", 1000)), ["s"], now=1000)


def test_stale_and_replayed():
    header = sign(BODY, "s", 1000)
    with pytest.raises(SignatureError, match="tolerance"):
        verify(BODY, header, ["s"], now=2000)
    seen = set()
    verify(BODY, header, ["s"], now=1000, seen=seen)
    with pytest.raises(SignatureError, match="replayed"):
        verify(BODY, header, ["s"], now=1000, seen=seen)
