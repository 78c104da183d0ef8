"""The Code tab's file tree: each folder once, before its files, indented by depth."""

from __future__ import annotations

from vibecoder.state.build_preview import tree_items


def test_folders_come_once_before_their_files_and_root_files_last():
    paths = [
        "src/components/Hero.jsx",
        "index.html",
        "src/App.jsx",
        "src/components/Footer.jsx",
        "src/main.jsx",
        "app.css",
    ]
    rows = [("  " * i.depth) + i.name + ("/" if i.is_dir else "") for i in tree_items(paths)]
    assert rows == [
        "app.css",
        "index.html",
        "src/",
        "  App.jsx",
        "  main.jsx",
        "  components/",
        "    Footer.jsx",
        "    Hero.jsx",
    ]
    files = [i.path for i in tree_items(paths) if not i.is_dir]
    assert sorted(files) == sorted(paths)


def test_empty_version_has_an_empty_tree():
    assert tree_items([]) == []
