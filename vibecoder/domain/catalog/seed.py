"""Demo data for an empty database: sellers, buyers and the seed catalog."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import select

from vibecoder.infra.db import session_scope
from vibecoder.models.catalog import Listing


def seed_demo_data(*, only_if_empty: bool = False) -> dict[str, int | str]:
    with session_scope() as session:
        existing = session.exec(select(func.count()).select_from(Listing)).one()
    if only_if_empty and existing:
        return {"message": f"seed skipped: database already has {existing} listings", "listings": 0}
    from vibecoder.domain.catalog.importer import import_seed_catalog

    counts = import_seed_catalog()
    message = (
        f"seeded {counts['listings']} listings from {counts['sellers']} sellers "
        f"with {counts['reviews']} reviews"
    )
    return {**counts, "message": message}
