"""Issue 18: demo data that adds up, a CLI that works on a fresh data dir, a forgiving import."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, text
from sqlmodel import select

from tests.conftest import run_cli
from vibecoder.domain.accounts import auth
from vibecoder.domain.catalog.detail import listing_view
from vibecoder.domain.catalog.importer import import_lines
from vibecoder.models.catalog import AiMetadata, Listing
from vibecoder.models.commerce import LedgerEntry, Purchase
from vibecoder.models.users import Role

PASSWORD = "tangerine-bicycle-42"


def _record(**overrides) -> dict:
    return {
        "slug": "spdx-import",
        "title": "SPDX import",
        "summary": "Imported with upper-case identifiers.",
        "description": "## Usage\n\nrun it",
        "category": "Utilities",
        "license": "MIT",
        "pricing": "free",
        "price_cents": 0,
        "currency": "USD",
        "files": {"main.py": "print('hi')\n"},
        "ai_metadata": {
            "model": "gpt-4.1",
            "provider": "openai",
            "prompt_history": [{"role": "user", "content": "a tool"}],
            "token_usage": 4321,
        },
        **overrides,
    }


def test_import_accepts_spdx_ids_iso_codes_and_an_integer_token_total(db):
    seller = auth.register(session=db, email="imp@example.com", password=PASSWORD, role=Role.seller)
    lines = [
        json.dumps(_record()),
        json.dumps(
            _record(
                slug="apache-import",
                license="Apache-2.0",
                currency="eur",
                pricing="FREE",
                ai_metadata={**_record()["ai_metadata"], "token_usage": {"input": 5, "output": 7}},
            )
        ),
        json.dumps(
            _record(
                slug="bad-usage", ai_metadata={**_record()["ai_metadata"], "token_usage": "lots"}
            )
        ),
        json.dumps(_record(slug="bad-license", license="GPL-3.0")),
    ]
    summary = import_lines(session=db, seller=seller, lines=lines)
    db.commit()
    assert summary.created == 2, summary.errors
    assert [n for n, _ in summary.errors] == [3, 4]
    assert "token_usage" in summary.errors[0][1]
    spdx = db.exec(select(Listing).where(Listing.slug == "spdx-import")).one()
    assert (spdx.license_type, spdx.currency) == ("mit", "usd")
    apache = db.exec(select(Listing).where(Listing.slug == "apache-import")).one()
    assert (apache.license_type, apache.currency, apache.pricing_model) == (
        "apache-2.0",
        "eur",
        "free",
    )
    meta = db.exec(select(AiMetadata)).all()
    assert sorted(m.token_total or 0 for m in meta) == [0, 4321]
    # The listing page says what was recorded, in words.
    assert listing_view(session=db, slug="spdx-import", viewer=None).ai_tokens == "4,321 total"
    assert listing_view(session=db, slug="apache-import", viewer=None).ai_tokens == "5 in · 7 out"


def test_demo_purchases_are_booked_in_the_ledger_so_admin_gmv_adds_up(db):
    from vibecoder.domain.catalog.seed import seed_demo_data
    from vibecoder.domain.commerce.money import format_amount
    from vibecoder.domain.moderation.admin import platform_metrics

    summary = seed_demo_data()
    assert summary["listings"] >= 40 and summary["reviews"] > 0
    # Every demo listing has a (generated) cover.
    assert not db.exec(select(Listing.slug).where(Listing.cover_image_sha.is_(None))).all()
    paid = db.exec(select(func.sum(Purchase.amount_cents)).where(Purchase.gateway == "seed")).one()
    assert paid > 0
    sales = db.exec(
        select(func.sum(LedgerEntry.amount_cents)).where(LedgerEntry.kind == "sale")
    ).one()
    assert sales == paid
    admin = auth.register(session=db, email="root@example.com", password=PASSWORD, role=Role.admin)
    metrics = platform_metrics(session=db, actor=admin, days=3650)
    assert metrics.gmv == format_amount(paid, "usd")
    # The home page's sections are all filled by the demo catalog.
    from vibecoder.domain.catalog.home import home_view

    home = home_view(session=db)
    assert len(home.categories) >= 8 and sum(c.count for c in home.categories) >= 40
    assert (len(home.newest), len(home.trending), len(home.creators)) == (4, 4, 4)
    assert home.creators[0].sales >= home.creators[-1].sales
    # Seeding twice books nothing twice.
    assert seed_demo_data(only_if_empty=True)["listings"] == 0


@pytest.fixture
def fresh_database(services):
    admin_url = services.database_url.rsplit("/", 1)[0] + "/postgres"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS cli_fresh WITH (FORCE)"))
        conn.execute(text("CREATE DATABASE cli_fresh"))
    yield services.database_url.rsplit("/", 1)[0] + "/cli_fresh"
    with admin.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS cli_fresh WITH (FORCE)"))
    admin.dispose()


def test_cli_commands_migrate_an_empty_database_first(fresh_database):
    env = {**os.environ, "DATABASE_URL": fresh_database}
    created = run_cli(
        "createuser",
        "--email",
        "first@example.com",
        "--username",
        "first",
        "--password-stdin",
        input="orchard-lantern-passphrase\n",
        env=env,
    )
    assert created.returncode == 0, created.stderr
    assert "empty database: applying migrations first" in created.stderr
    assert "Traceback" not in created.stderr
    # Another command on the now-migrated database: nothing to migrate, nothing to embed.
    indexed = run_cli("reindex", "--json", env=env, timeout=600)
    assert indexed.returncode == 0, indexed.stderr
    assert json.loads(indexed.stdout.strip().splitlines()[-1])["total"] == 0
    assert "applying migrations" not in indexed.stderr
    engine = create_engine(fresh_database)
    with engine.connect() as conn:
        assert conn.execute(text("select count(*) from users")).scalar() == 1
    engine.dispose()


def test_cli_on_an_old_configured_database_says_in_one_line_what_to_run(fresh_database, tmp_path):
    from alembic.config import Config

    from alembic import command
    from tests.conftest import PROJECT_ROOT

    engine = create_engine(fresh_database)
    with engine.begin() as conn:
        config = Config(str(PROJECT_ROOT / "alembic.ini"))
        config.set_main_option("script_location", str(PROJECT_ROOT / "alembic"))
        config.attributes["connection"] = conn
        config.attributes["skip_logging"] = True
        command.upgrade(config, "0007")
    engine.dispose()
    env = {**os.environ, "DATABASE_URL": fresh_database}
    listings = tmp_path / "listings.jsonl"
    listings.write_text(json.dumps(_record()) + "\n")
    result = run_cli("import-listings", str(listings), "--seller", "x@example.com", env=env)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if "INFO" not in line]
    assert lines == [
        "the database is at revision 0007, this code needs "
        + _head()
        + ": run `python -m vibecoder db upgrade` first"
    ]


def _head() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from tests.conftest import PROJECT_ROOT

    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "alembic"))
    return ScriptDirectory.from_config(config).get_current_head()


def test_createuser_documented_in_readme():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert "createuser" in readme and "--username" in readme and "--password-stdin" in readme


def test_search_forgives_typos_per_word_and_says_no_results_to_nonsense(db, redis_client):
    from vibecoder.domain.catalog.seed import seed_demo_data
    from vibecoder.domain.search.index import reindex
    from vibecoder.domain.search.query import search
    from vibecoder.infra.db import session_scope

    seed_demo_data()
    reindex(session_factory=session_scope, force=True, progress=None)

    def find(query: str):
        return search(session=db, redis_client=redis_client, query=query, limit=5)

    typos = find("lnading pgae for cofee shp")
    assert typos.corrected == "landing page for coffee shop"
    assert typos.hits[0].slug == "coffee-shop-landing"
    assert "keyword" in typos.hits[0].matched

    nonsense = find("quantum blockchain toaster firmware")
    assert (nonsense.hits, nonsense.total) == ([], 0)
    for junk in ("asdf qwer zxcv", "medieval poetry generator"):
        assert find(junk).hits == [], junk

    # The floor keeps real queries, short and long, and every suggestion the page offers.
    from vibecoder.state.search import SUGGESTIONS

    for query in (*SUGGESTIONS, "snake", "csv", "kubernetes operator for postgres backups"):
        assert find(query).hits, query
    assert find("cli that renames photos by date").hits[0].slug == "exif-date-renamer"


def test_seller_records_provenance_per_version_and_only_their_own(db):
    from tests.integration.test_catalog import LISTING, zip_bytes
    from vibecoder.domain.catalog import files as listing_files
    from vibecoder.domain.catalog import listings as catalog
    from vibecoder.domain.catalog.provenance import parse_transcript, save_provenance
    from vibecoder.errors import NotFound, ValidationFailed

    seller = auth.register(
        session=db, email="prov@example.com", password=PASSWORD, role=Role.seller
    )
    other = auth.register(
        session=db, email="other@example.com", password=PASSWORD, role=Role.seller
    )
    listing = catalog.create_listing(session=db, seller=seller, data=LISTING)
    added = listing_files.add_uploaded_version(
        session=db,
        seller=seller,
        listing_id=listing.id,
        version="1.0.0",
        changelog="",
        uploads=[("code.zip", zip_bytes({"dedupe.py": "print(1)\n"}))],
    )
    db.commit()
    data = {
        "model": "claude-sonnet-4-5",
        "provider": "anthropic",
        "temperature": 0.3,
        "token_input": 1200,
        "token_output": 800,
        "prompt_history": parse_transcript("User: dedupe a csv\nAssistant: done"),
    }
    with pytest.raises(NotFound):  # another seller's version looks missing
        save_provenance(session=db, seller=other, version_id=added.version_id, data=data)
    with pytest.raises(ValidationFailed):
        save_provenance(
            session=db, seller=seller, version_id=added.version_id, data={**data, "model": ""}
        )
    db.rollback()
    save_provenance(session=db, seller=seller, version_id=added.version_id, data=data)
    listing_files.publish_scanned_version(session=db, seller=seller, version_id=added.version_id)
    db.commit()
    view = listing_view(session=db, slug=listing.slug, viewer=None)
    assert (view.ai_model, view.ai_provider, view.ai_tokens) == (
        "claude-sonnet-4-5",
        "anthropic",
        "1,200 in · 800 out",
    )
    assert [p.role for p in view.prompts] == ["user", "assistant"]
