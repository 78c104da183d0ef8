from strength import analyse


def test_common_password_is_weak():
    assert analyse("Password123")["score"] == 0


def test_passphrase_is_strong():
    assert analyse("correct horse battery staple")["score"] == 4


def test_reasons_are_explained():
    reasons = analyse("qwerty2026")["reasons"]
    assert "contains a year" in reasons and "contains a keyboard run" in reasons
