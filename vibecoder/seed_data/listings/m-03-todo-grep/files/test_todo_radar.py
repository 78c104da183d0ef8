from todo_radar import report, scan_text


def test_finds_markers_with_owner():
    found = list(scan_text("a.py", "ok\n# TODO(ines): handle tz\n// FIXME: leak"))
    assert [(f["line"], f["kind"], f["owner"]) for f in found] == [(2, "TODO", "ines"), (3, "FIXME", "unassigned")]


def test_report_puts_fixmes_first():
    text = report(scan_text("a.py", "# TODO: later\n# FIXME: now"))
    assert text.index("FIXME") < text.index("TODO")
