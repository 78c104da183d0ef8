"""Migrations apply to an empty database, round-trip, and leave the schema matching the models."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text
from sqlmodel import SQLModel

import vibecoder.models  # noqa: F401
from alembic import command
from tests.conftest import PROJECT_ROOT


@pytest.fixture
def scratch_database(services):
    """An empty database beside the test one, dropped afterwards."""
    admin_url = services.database_url.rsplit("/", 1)[0] + "/postgres"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS migration_scratch"))
        conn.execute(text("CREATE DATABASE migration_scratch"))
    url = services.database_url.rsplit("/", 1)[0] + "/migration_scratch"
    yield url
    with admin.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS migration_scratch WITH (FORCE)"))
    admin.dispose()


def _alembic(url: str, *args: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        config = Config(str(PROJECT_ROOT / "alembic.ini"))
        config.set_main_option("script_location", str(PROJECT_ROOT / "alembic"))
        config.attributes["connection"] = conn
        config.attributes["skip_logging"] = True
        getattr(command, args[0])(config, *args[1:])
    engine.dispose()


def test_upgrade_from_empty_creates_vector_extension_and_matches_models(scratch_database):
    _alembic(scratch_database, "upgrade", "head")
    engine = create_engine(scratch_database)
    with engine.connect() as conn:
        extensions = {row[0] for row in conn.execute(text("select extname from pg_extension"))}
        assert "vector" in extensions
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), SQLModel.metadata
        )
    engine.dispose()
    assert diff == [], f"models and migrations disagree: {diff}"


def test_downgrade_and_upgrade_round_trip(scratch_database):
    _alembic(scratch_database, "upgrade", "head")
    _alembic(scratch_database, "downgrade", "base")
    engine = create_engine(scratch_database)
    with engine.connect() as conn:
        tables = conn.execute(
            text("select count(*) from information_schema.tables where table_schema='public'")
        ).scalar()
    assert tables == 1  # only alembic_version remains
    _alembic(scratch_database, "upgrade", "head")
    engine.dispose()


def test_each_upgrade_keeps_existing_data(scratch_database):
    """Walk the history one revision at a time with data in place; nothing is lost on the way."""
    from alembic.script import ScriptDirectory

    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "alembic"))
    revisions = [r.revision for r in ScriptDirectory.from_config(config).walk_revisions()][::-1]
    engine = create_engine(scratch_database)
    _alembic(scratch_database, "upgrade", revisions[0])
    with engine.begin() as conn:
        conn.execute(
            text(
                "insert into users (email, username, password_hash, role, is_suspended, "
                "created_at, password_changed_at) values ('keep@example.com', 'keeper', 'x', "
                "'seller', false, now(), now())"
            )
        )
        conn.execute(
            text(
                "insert into listings (seller_id, slug, title, summary, description, category, "
                "license_type, pricing_model, price_cents, currency, status, rating_avg, "
                "rating_count, sales_count, view_count, created_at, updated_at) "
                "select id, 'kept-listing', 'Kept', '', '', 'Utilities', 'personal', 'one_time', "
                "900, 'usd', 'published', 0, 0, 0, 0, now(), now() from users"
            )
        )
    for revision in revisions[1:]:
        _alembic(scratch_database, "upgrade", revision)
    with engine.connect() as conn:
        assert conn.execute(text("select username from users")).scalar() == "keeper"
        assert conn.execute(text("select price_cents from listings")).scalar() == 900
    engine.dispose()
