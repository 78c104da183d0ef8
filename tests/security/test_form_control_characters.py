"""Every form's service refuses NUL and other control characters, naming the field, before it
writes anything; multi-line fields keep their line breaks and tabs (domain/plain_text.py)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func
from sqlmodel import select

from tests.fakes.commerce import (  # noqa: F401 - the `api` fixture
    LISTING,
    PASSWORD,
    api_fixture,
    configured,
    make_user,
    pay_as,
    process_all,
    publish,
    zip_of,
)
from vibecoder.builder.service import runs as builder_runs
from vibecoder.domain.accounts import auth, email_links, profiles
from vibecoder.domain.catalog import files as listing_files
from vibecoder.domain.catalog import importer, provenance, reviews
from vibecoder.domain.catalog import listings as catalog
from vibecoder.domain.commerce import checkout
from vibecoder.domain.moderation import admin, reports
from vibecoder.domain.search.query import search
from vibecoder.errors import ValidationFailed
from vibecoder.infra.redis_client import get_redis
from vibecoder.models.builder import BuilderProject
from vibecoder.models.catalog import Listing, ListingVersion, Review
from vibecoder.models.moderation import ListingReport
from vibecoder.models.users import Profile, Role, User


def _refused(call, field: str) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as refused:
        call()
    assert refused.value.code == "control_characters", refused.value.message
    assert refused.value.field == field
    return refused.value


def _count(db, model) -> int:
    db.rollback()
    return db.exec(select(func.count()).select_from(model)).one()


def test_sign_up_and_account_forms(db):
    error = _refused(
        lambda: email_links.sign_up(session=db, email="eve\x00@example.com", password=PASSWORD),
        "email",
    )
    assert error.message == "Email contains a control character (U+0000); remove it."
    _refused(
        lambda: auth.register(
            session=db, email="eve@example.com", password=PASSWORD, username="eve\x1b[31m"
        ),
        "username",
    )
    assert _count(db, User) == 0

    user = make_user(db, "ada@example.com")
    old_hash = user.password_hash
    _refused(
        lambda: auth.change_password(
            session=db, user=user, current_password=PASSWORD, new_password="new\x00password-x9"
        ),
        "new_password",
    )
    _refused(
        lambda: email_links.request_password_reset(
            session=db, redis_client=get_redis(), email="ada@example.com\x07", ip=None
        ),
        "email",
    )
    _refused(
        lambda: email_links.request_email_change(
            session=db,
            redis_client=get_redis(),
            user=user,
            new_email="ada2@example.com\x00",
            current_password=PASSWORD,
        ),
        "new_email",
    )
    _refused(
        lambda: email_links.reset_password(session=db, token="x", new_password="a\x00b"),
        "new_password",
    )
    db.rollback()
    assert db.get(User, user.id).password_hash == old_hash


def test_profile_form_keeps_line_breaks_in_the_bio_only(db):
    user = make_user(db, "ada@example.com")
    fields = {"display_name": "Ada", "bio": "Line one", "avatar_url": "", "links": []}

    def save(**changes):
        return profiles.save_profile(session=db, user=user, **{**fields, **changes})

    _refused(lambda: save(bio="Hello\x00"), "bio")
    _refused(lambda: save(display_name="Ada\nLovelace"), "display_name")
    _refused(lambda: save(links=["https://example.com/\x1b"]), "links")
    assert _count(db, Profile) == 0 or db.get(Profile, user.id).bio == ""
    save(bio="Line one\n\tindented line two")
    db.commit()
    assert db.get(Profile, user.id).bio == "Line one\n\tindented line two"


def test_listing_editor_version_and_provenance_forms(db):
    seller = make_user(db, "seller@example.com", Role.seller)
    error = _refused(
        lambda: catalog.create_listing(
            session=db, seller=seller, data={**LISTING, "title": "A\x00B"}
        ),
        "title",
    )
    assert error.message == "Title contains a control character (U+0000); remove it."
    _refused(
        lambda: catalog.create_listing(
            session=db, seller=seller, data={**LISTING, "description": "# Hi\x1b[2J"}
        ),
        "description",
    )
    _refused(
        lambda: catalog.create_listing(
            session=db, seller=seller, data={**LISTING, "technologies": ["py\x00"]}
        ),
        "technologies",
    )
    assert _count(db, Listing) == 0
    # Line breaks and tabs are what a markdown description is made of.
    listing = catalog.create_listing(
        session=db, seller=seller, data={**LISTING, "description": "# Hi\n\n\tcode"}
    )
    db.commit()

    _refused(
        lambda: listing_files.add_uploaded_version(
            session=db,
            seller=seller,
            listing_id=listing.id,
            version="1.0.0",
            changelog="- fixed\x00",
            uploads=[("code.zip", zip_of({"a.py": "print(1)\n"}))],
        ),
        "changelog",
    )
    _refused(
        lambda: catalog.add_version(
            session=db,
            seller=seller,
            listing_id=listing.id,
            version="1.0\x1b.0",
            changelog="",
            files=[],
        ),
        "version",
    )
    assert _count(db, ListingVersion) == 0

    published = publish(db, seller)
    version = catalog.latest_version(session=db, listing_id=published.id)
    _refused(
        lambda: provenance.save_provenance(
            session=db,
            seller=seller,
            version_id=version.id,
            data={"model": "gpt\x00", "provider": "openai"},
        ),
        "model",
    )
    _refused(
        lambda: provenance.save_provenance(
            session=db,
            seller=seller,
            version_id=version.id,
            data={
                "model": "gpt-5",
                "provider": "openai",
                "prompt_history": [{"role": "user", "content": "build\x08 it"}],
            },
        ),
        "prompt_history",
    )


def test_reviews_replies_reports_and_admin_reasons(db, api):
    seller = make_user(db, "seller@example.com", Role.seller)
    buyer = make_user(db, "buyer@example.com")
    admin_user = make_user(db, "admin@example.com", Role.admin)
    listing = publish(db, seller)
    with configured(VIBECODER_PAYMENT_GATEWAY="dummy"):
        start = checkout.begin_checkout(buyer_id=buyer.id, listing_id=listing.id)
    pay_as(api, db, buyer, "/" + start.url.split("://", 1)[1].split("/", 1)[1])
    process_all(db)

    _refused(
        lambda: reviews.upsert_review(
            session=db, buyer=buyer, listing_id=listing.id, rating=5, body="Great\x00"
        ),
        "review",
    )
    assert _count(db, Review) == 0
    review = reviews.upsert_review(
        session=db, buyer=buyer, listing_id=listing.id, rating=5, body="Great\n\nreally"
    )
    db.commit()
    _refused(
        lambda: reviews.reply_to_review(
            session=db, seller=seller, review_id=review.id, body="Thanks\x1b"
        ),
        "reply",
    )
    db.rollback()
    assert db.get(Review, review.id).seller_reply is None

    _refused(
        lambda: reports.report_listing(
            session=db,
            reporter=buyer,
            listing_id=listing.id,
            category="malware",
            details="it mines\x00",
        ),
        "details",
    )
    assert _count(db, ListingReport) == 0

    _refused(
        lambda: admin.take_down_listing(
            session=db, actor=admin_user, listing_id=listing.id, reason="spam\x00spam"
        ),
        "reason",
    )
    _refused(lambda: admin.search_users(session=db, actor=admin_user, q="ada\x00"), "search")
    db.rollback()
    assert db.get(Listing, listing.id).status == "published"


def test_builder_prompt_and_search_box(db):
    owner = make_user(db, "builder@example.com")
    _refused(
        lambda: builder_runs.create_project(
            owner_id=owner.id, name="Shop", prompt="A shop\x00 page"
        ),
        "prompt",
    )
    _refused(
        lambda: builder_runs.create_project(owner_id=owner.id, name="Sh\x07op", prompt="A shop"),
        "name",
    )
    assert _count(db, BuilderProject) == 0
    _refused(lambda: search(session=db, redis_client=get_redis(), query="csv\x00"), "search")


def test_importer_lines_with_control_characters_are_refused_whole(db):
    seller = make_user(db, "seller@example.com", Role.seller)
    record = {
        "slug": "nul-import",
        "title": "Imported",
        "category": "CLI tools",
        "price_cents": 900,
        "files": {"a.py": "print(1)\n"},
    }
    lines = [
        json.dumps({**record, "description": "evil\x00"}),
        json.dumps({**record, "slug": "nul-import-2", "changelog": "- x\x1b[2J"}),
    ]
    summary = importer.import_lines(session=db, seller=seller, lines=lines)
    db.commit()
    assert [n for n, _ in summary.errors] == [1, 2]
    assert "Description contains a control character (U+0000)" in summary.errors[0][1]
    assert "Changelog contains a control character (U+001B)" in summary.errors[1][1]
    assert _count(db, Listing) == 0


def test_api_v1_answers_422_naming_the_field_and_sets_preview_files(db, api):
    from tests.integration.test_api_v1 import bearer, key_for

    seller = make_user(db, "seller@example.com", Role.seller)
    key = key_for(db, seller, "read,sell")
    data = {**LISTING, "title": "Api\x00Listing"}
    refused = api.post("/api/v1/listings", json=data, headers=bearer(key))
    assert refused.status_code == 422, refused.text
    assert "title" in refused.text and "control character (U+0000)" in refused.text
    assert _count(db, Listing) == 0

    created = api.post(
        "/api/v1/listings",
        json={**LISTING, "preview_files": ["README*", "src/cli.py"]},
        headers=bearer(key),
    )
    assert created.status_code == 201, created.text
    slug = created.json()["slug"]
    assert created.json()["preview_files"] == ["README*", "src/cli.py"]
    # A PUT without the marks keeps them; a bad pattern is a 422 naming it.
    kept = api.put(f"/api/v1/listings/{slug}", json=LISTING, headers=bearer(key))
    assert kept.status_code == 200 and kept.json()["preview_files"] == ["README*", "src/cli.py"]
    bad = api.put(
        f"/api/v1/listings/{slug}",
        json={**LISTING, "preview_files": ["../x"]},
        headers=bearer(key),
    )
    assert bad.status_code == 422 and "inside the listing" in bad.text
