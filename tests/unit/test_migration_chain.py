"""Migrations written on parallel branches must form one line: `alembic upgrade head` refuses
several heads, and every fresh database (make run, make test, prod-local) would fail to start."""

from __future__ import annotations

from alembic.config import Config
from alembic.script import ScriptDirectory

from tests.conftest import PROJECT_ROOT


def test_the_migrations_have_exactly_one_head_and_no_gaps():
    script = ScriptDirectory.from_config(Config(str(PROJECT_ROOT / "alembic.ini")))
    heads = script.get_heads()
    assert len(heads) == 1, f"several heads: {heads}; chain the newest down_revision"
    chain = [rev.revision for rev in script.walk_revisions()]
    assert chain[-1] == "0001" and len(chain) == len(set(chain))
