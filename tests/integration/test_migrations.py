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
