from commands import duration, handle


def test_remind_with_quotes():
    assert handle('/remind 10m "stand up"') == "⏰ I will remind you in 600 seconds: stand up"


def test_errors_are_friendly():
    assert handle("/remind soon x").startswith("⚠️ 'soon' is not a duration")
    assert handle("/nope").startswith("⚠️ unknown command /nope")
    assert handle('/poll "unclosed') == "⚠️ unbalanced quotes"


def test_plain_messages_are_ignored():
    assert handle("hello there") is None
    assert duration("2h") == 7200
