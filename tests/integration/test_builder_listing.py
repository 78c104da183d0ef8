"""/build's project list: only the owner's projects, newest first, paged, latest version."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.fakes.commerce import make_user
from vibecoder.builder.service.listing import list_projects
from vibecoder.builder.service.projects import create_project, create_version, restore_version
from vibecoder.models.builder import BuilderProject


def _version(db, project, message):
    return create_version(
        session=db,
        project_id=project.id,
        files={"src/App.jsx": f"// {message}\n"},
        bundle_js="void 0;",
        css="",
        message=message,
        provider="scripted",
        model="scripted-demo",
    )


def test_empty_then_paged_newest_first_and_only_mine(db):
    me = make_user(db, "me@example.com")
    other = make_user(db, "other@example.com")
    empty = list_projects(db, owner_id=me.id)
    assert (empty.rows, empty.page, empty.pages, empty.total) == ([], 1, 1, 0)

    start = datetime(2026, 1, 1, tzinfo=UTC)
    for i in range(5):
        project = create_project(session=db, owner_id=me.id, name=f"Shop {i}", provider="scripted")
        project.updated_at = start + timedelta(hours=i)
    create_project(session=db, owner_id=other.id, name="Not mine", provider="scripted")
    db.commit()

    first = list_projects(db, owner_id=me.id, page=1, page_size=2)
    assert [r.name for r in first.rows] == ["Shop 4", "Shop 3"]
    assert (first.page, first.pages, first.total) == (1, 3, 5)
    last = list_projects(db, owner_id=me.id, page=3, page_size=2)
    assert [r.name for r in last.rows] == ["Shop 0"]
    # Out-of-range pages clamp instead of showing an empty page.
    assert list_projects(db, owner_id=me.id, page=99, page_size=2).page == 3
    assert list_projects(db, owner_id=me.id, page=-1, page_size=2).page == 1
    assert all(r.latest_version is None and r.versions == 0 for r in first.rows)


def test_latest_version_is_the_current_one(db):
    me = make_user(db, "me@example.com")
    project = create_project(session=db, owner_id=me.id, name="Bakery", provider="scripted")
    first = _version(db, project, "first")
    _version(db, project, "second")
    restore_version(session=db, project_id=project.id, version_id=first.id)
    db.commit()
    (row,) = list_projects(db, owner_id=me.id).rows
    assert (row.name, row.latest_version, row.versions) == ("Bakery", 3, 3)
    assert row.public_id == db.get(BuilderProject, project.id).public_id


def test_code_tab_reads_one_file_of_one_version(db):
    from vibecoder.builder.service.listing import version_file_paths, version_file_text

    me = make_user(db, "me@example.com")
    project = create_project(session=db, owner_id=me.id, name="Bakery", provider="scripted")
    _version(db, project, "first")
    db.commit()
    assert version_file_paths(db, project_id=project.id, number=1) == ["src/App.jsx"]
    assert version_file_paths(db, project_id=project.id, number=2) == []
    text = version_file_text(db, project_id=project.id, number=1, path="src/App.jsx")
    assert text == "// first\n"
    assert version_file_text(db, project_id=project.id, number=1, path="../etc") is None
