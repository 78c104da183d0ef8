from renamer import plan_renames, taken_at


def test_exif_date_wins_over_mtime():
    assert taken_at(b"xx2026:05:01 09:15:02", 0).isoformat() == "2026-05-01T09:15:02"


def test_collisions_are_numbered_and_non_photos_skipped():
    entries = [("a.JPG", b"2026:05:01 09:15:02", 0), ("b.jpg", b"2026:05:01 09:15:02", 0), ("c.txt", b"", 0)]
    assert plan_renames(entries) == [
        ("a.JPG", "2026-05-01_091502.jpg"),
        ("b.jpg", "2026-05-01_091502_2.jpg"),
    ]


def test_invalid_exif_date_falls_back():
    assert taken_at(b"2026:13:45 99:00:00", 0).year == 1970
