from standup import parse, summarise


def test_groups_by_date_and_type():
    log = ["1|M|2026-11-20|feat: retry", "2|M|2026-11-20|fix(api): empty body", "3|M|2026-11-19|tidy up"]
    text = summarise(parse(log))
    assert text.index("## 2026-11-20") < text.index("## 2026-11-19")
    assert "**Features**\n- retry (1)" in text
    assert "- empty body (2)" in text
    assert "**Other**\n- tidy up (3)" in text


def test_malformed_lines_are_ignored():
    assert list(parse(["not a log line"])) == []
