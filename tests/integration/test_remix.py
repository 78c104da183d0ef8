"""Remixes: "Open in builder" forks by role, lineage, the license rule of "Sell this", remix
sales on the parent seller's dashboard, and the editable sandbox's store and runs."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from tests.conftest import wait_for
from tests.fakes.commerce import add_version, configured, make_user, publish
from vibecoder.builder.service.export import sell_project
from vibecoder.builder.service.fork import fork_by_slug, fork_listing
from vibecoder.builder.service.projects import create_version, version_files
from vibecoder.domain.analytics.seller import dashboard
from vibecoder.domain.catalog import lineage
from vibecoder.domain.catalog import listings as catalog
from vibecoder.domain.commerce.library import library_for
from vibecoder.domain.commerce.purchases import mark_paid, revoke
from vibecoder.domain.sandbox_runs import edits
from vibecoder.domain.sandbox_runs.runs import request_run
from vibecoder.errors import NotFound, PermissionDenied, ValidationFailed
from vibecoder.infra.storage import get_blob_store, read_bytes
from vibecoder.models.builder import BuilderProject, BuilderVersion
from vibecoder.models.catalog import Listing
from vibecoder.models.commerce import Purchase, PurchaseStatus
from vibecoder.models.remix import ListingLineage, ProjectLineage
from vibecoder.models.sandbox import SandboxRun
from vibecoder.models.users import Role

HERO = 'export default function Hero() { return <h1 className="text-4xl">Ember</h1>; }\n'
TEMPLATE = {
    "src/components/Hero.jsx": HERO,
    "src/App.jsx": 'import Hero from "./components/Hero.jsx";\nexport default () => <Hero />;\n',
    "index.html": '<div id="root"></div><script src="app.js"></script>\n',
    "app.js": "/* the built bundle */\n",
    "app.css": "/* the built css */\n",
}
# Longer than the code viewer's 40-line preview: an unpaid visitor sees only its head.
LONG_MAIN = "".join(f"# line {i}\n" for i in range(60)) + 'print("hello from main")\n'
SHORT_MAIN = 'import sys\nprint("hello", *sys.argv[1:])\n'


def _buy(db, buyer, listing, status="paid", version_id=None) -> Purchase:
    purchase = Purchase(
        buyer_id=buyer.id,
        listing_id=listing.id,
        version_id=version_id,
        status=status,
        amount_cents=listing.price_cents,
        idempotency_key=f"test:{buyer.id}:{listing.id}:{status}",
        paid_at=datetime.now(UTC),
    )
    db.add(purchase)
    db.commit()
    return purchase


def _template(db, seller, **overrides) -> Listing:
    fields = {
        "title": "Ember storefront",
        "category": "Storefront templates",
        "technologies": ["react"],
        **overrides,
    }
    return publish(db, seller, files=TEMPLATE, **fields)


def test_open_in_builder_by_role_with_lineage(db):
    seller = make_user(db, "seller@example.com", Role.seller)
    buyer = make_user(db, "buyer@example.com")
    stranger = make_user(db, "stranger@example.com")
    refunded = make_user(db, "refunded@example.com")
    listing = _template(db, seller, license_type="commercial")
    version = catalog.latest_version(session=db, listing_id=listing.id)

    # Not bought (or bought and refunded): the same "not found" as a listing that is not there.
    _buy(db, refunded, listing, status="refunded")
    for user in (stranger, refunded):
        with pytest.raises(NotFound):
            fork_listing(session=db, user=user, listing_id=listing.id)
        db.rollback()
    with pytest.raises(NotFound):
        fork_by_slug(session=db, user=stranger, slug="no-such-listing")
    db.rollback()
    assert db.exec(select(BuilderProject)).all() == []

    _buy(db, buyer, listing)
    project = fork_listing(session=db, user=buyer, listing_id=listing.id)
    db.commit()
    assert project.owner_id == buyer.id and project.name == "Ember storefront remix"
    first = db.get(BuilderVersion, project.current_version_id)
    assert first.number == 1 and first.message == "Remixed from Ember storefront v1.0.0"
    # The sources become the project's files; the built page is the preview's bundle.
    assert version_files(first) == {k: v for k, v in TEMPLATE.items() if not k.startswith("app.")}
    store = get_blob_store()
    assert read_bytes(store, first.bundle_sha).decode() == TEMPLATE["app.js"]
    assert read_bytes(store, first.css_sha).decode() == TEMPLATE["app.css"]
    row = db.get(ProjectLineage, project.id)
    assert (row.parent_listing_id, row.parent_version_id, row.license_type) == (
        listing.id,
        version.id,
        "commercial",
    )
    parent = lineage.project_parent(db, project_id=project.id, viewer=buyer)
    assert (parent.title, parent.slug, parent.version, parent.visible) == (
        "Ember storefront",
        listing.slug,
        "1.0.0",
        True,
    )

    # The seller opens their own listing, including a draft version of it.
    own = fork_by_slug(session=db, user=seller, slug=listing.slug)
    db.commit()
    assert db.get(ProjectLineage, own.id).parent_listing_id == listing.id
    # Another listing's version id does not open through this listing.
    other = _template(db, seller, title="Other storefront", slug="other-storefront")
    other_version = catalog.latest_version(session=db, listing_id=other.id)
    with pytest.raises(NotFound):
        fork_listing(session=db, user=buyer, listing_id=listing.id, version_id=other_version.id)
    db.rollback()


def test_the_library_opens_the_purchased_version_not_the_latest(db):
    seller = make_user(db, "seller@example.com", Role.seller)
    buyer = make_user(db, "buyer@example.com")
    listing = _template(db, seller, license_type="commercial")
    bought = catalog.latest_version(session=db, listing_id=listing.id)
    _buy(db, buyer, listing, version_id=bought.id)
    newer = {**TEMPLATE, "src/components/Hero.jsx": HERO.replace("Ember", "Ember 2")}
    add_version(db, seller, listing, "2.0.0", newer)

    # The library's button carries the purchased version to the fork.
    [entry] = library_for(session=db, user=buyer)
    assert (entry.version_bought, entry.version_bought_id) == ("1.0.0", bought.id)
    project = fork_by_slug(
        session=db, user=buyer, slug=listing.slug, version_id=entry.version_bought_id
    )
    db.commit()
    first = db.get(BuilderVersion, project.current_version_id)
    assert first.message == "Remixed from Ember storefront v1.0.0"
    assert version_files(first)["src/components/Hero.jsx"] == HERO
    assert db.get(ProjectLineage, project.id).parent_version_id == bought.id
    # The listing page's button (no version) opens the latest.
    latest = fork_by_slug(session=db, user=buyer, slug=listing.slug)
    assert (
        "Ember 2"
        in version_files(db.get(BuilderVersion, latest.current_version_id))[
            "src/components/Hero.jsx"
        ]
    )


def test_free_listings_open_for_anyone_signed_in_but_drafts_do_not(db):
    seller = make_user(db, "seller@example.com", Role.seller)
    visitor = make_user(db, "visitor@example.com")
    free = _template(db, seller, pricing_model="free", price_cents=0, license_type="mit")
    project = fork_listing(session=db, user=visitor, listing_id=free.id)
    db.commit()
    assert db.get(ProjectLineage, project.id).license_type == "mit"

    draft = catalog.create_listing(
        session=db,
        seller=seller,
        data={"title": "Draft freebie", "category": "CLI tools", "pricing_model": "free"},
    )
    db.commit()
    assert not lineage.can_fork(db, visitor, draft)
    with pytest.raises(NotFound):
        fork_listing(session=db, user=visitor, listing_id=draft.id)
    db.rollback()
    assert not lineage.can_fork(db, None, free)  # signed out: sign in first


def test_selling_a_remix_records_its_parent_or_is_refused_by_the_license(db):
    seller = make_user(db, "seller@example.com", Role.seller)
    remixer = make_user(db, "remixer@example.com", Role.seller)
    personal = _template(db, seller, license_type="personal", slug="ember-personal")
    # A web component's remix is a web component: filed under the parent's category.
    extended = _template(
        db, seller, license_type="extended", slug="ember-extended", category="Web components"
    )
    for listing in (personal, extended):
        _buy(db, remixer, listing)

    refused = fork_listing(session=db, user=remixer, listing_id=personal.id)
    db.commit()
    public_id = refused.public_id
    with pytest.raises(PermissionDenied) as excinfo:
        sell_project(session=db, seller=remixer, public_id=public_id)
    db.rollback()
    assert excinfo.value.code == "license_forbids_resale"
    assert excinfo.value.status_code == 403
    assert "personal license" in excinfo.value.message
    assert "extended license or an open license" in excinfo.value.message
    # Nothing half-written: no listing of the remixer.
    assert db.exec(select(Listing).where(Listing.seller_id == remixer.id)).all() == []

    allowed = fork_listing(session=db, user=remixer, listing_id=extended.id)
    db.commit()
    changed = dict(version_files(db.get(BuilderVersion, allowed.current_version_id)))
    changed["src/components/Hero.jsx"] = HERO.replace("Ember", "Bloom")
    create_version(
        session=db,
        project_id=allowed.id,
        files=changed,
        bundle_js="/* bloom bundle */",
        css="",
        message="MODIFY Hero",
        provider="scripted",
        model="scripted-1",
    )
    db.commit()
    outcome = sell_project(session=db, seller=remixer, public_id=allowed.public_id)
    db.commit()
    row = db.get(ListingLineage, outcome.listing_id)
    assert row.parent_listing_id == extended.id
    assert db.get(Listing, outcome.listing_id).category == "Web components"
    assert row.parent_version_id == catalog.latest_version(session=db, listing_id=extended.id).id
    parent = lineage.listing_parent(db, listing_id=outcome.listing_id, viewer=None)
    assert (parent.title, parent.slug, parent.version) == (
        "Ember storefront",
        "ember-extended",
        "1.0.0",
    )
    # Selling again (a new patch version) keeps the one lineage row.
    sell_project(session=db, seller=remixer, public_id=allowed.public_id)
    db.commit()
    assert len(db.exec(select(ListingLineage)).all()) == 1


def test_remix_sales_count_on_the_parent_sellers_dashboard(db):
    seller = make_user(db, "seller@example.com", Role.seller)
    remixer = make_user(db, "remixer@example.com", Role.seller)
    buyer = make_user(db, "buyer@example.com")
    parent = _template(db, seller, license_type="extended", slug="ember-extended")
    _buy(db, remixer, parent)
    project = fork_listing(session=db, user=remixer, listing_id=parent.id)
    db.commit()
    outcome = sell_project(session=db, seller=remixer, public_id=project.public_id)
    db.commit()
    remix = db.get(Listing, outcome.listing_id)

    purchase = Purchase(
        buyer_id=buyer.id,
        listing_id=remix.id,
        amount_cents=remix.price_cents,
        idempotency_key="remix-sale",
    )
    db.add(purchase)
    db.flush()
    mark_paid(db, purchase, remix, payment_ref=None, subscription_ref=None, at=datetime.now(UTC))
    db.commit()

    def card(user, key):
        board = dashboard(session=db, seller=user, range_key="7d")
        return next(c for c in board.cards if c.key == key).value

    assert card(seller, "remixes") == "1"
    # It is not a sale of the parent seller's, nor their money; it is the remixer's.
    assert card(seller, "sales") == "0"
    assert card(seller, "revenue") == "$0"
    assert card(remixer, "sales") == "1"
    assert card(remixer, "remixes") == "0"

    # Refunded (what a refund and a lost dispute both end in): it no longer counts as sold.
    revoke(db, purchase, status=PurchaseStatus.refunded, at=datetime.now(UTC), why="refunded")
    db.commit()
    assert card(seller, "remixes") == "0"


# --- the editable sandbox ----------------------------------------------------------------------


def _python_listing(db, seller, **overrides):
    files = {"main.py": LONG_MAIN, "util.py": SHORT_MAIN, "README.md": "# Hello\n"}
    return publish(db, seller, files=files, **{"title": "Hello script", **overrides})


def _edit(db, redis_client, listing, path, text, *, viewer=None, visitor="tab-1"):
    return edits.save_edit(
        session=db,
        redis_client=redis_client,
        listing_id=listing.id,
        viewer=viewer,
        visitor=visitor,
        path=path,
        text=text,
    )


def _open(db, redis_client, listing, path, *, viewer=None, visitor="tab-1"):
    return edits.open_file(
        session=db,
        redis_client=redis_client,
        listing_id=listing.id,
        viewer=viewer,
        visitor=visitor,
        path=path,
    )


def test_edits_follow_the_code_viewer_policy_caps_and_reset(db, redis_client):
    seller = make_user(db, "seller@example.com", Role.seller)
    buyer = make_user(db, "buyer@example.com")
    listing = _python_listing(db, seller)  # $9, so an unpaid visitor sees the head of main.py

    main = _open(db, redis_client, listing, "main.py")
    assert not main.editable and "Read-only" in main.notice
    assert main.text.count("\n") == 40  # only what the code viewer shows
    with pytest.raises(PermissionDenied):
        _edit(db, redis_client, listing, "main.py", "print('mine')\n")
    # Files shown in full are editable: a short one and the README.
    assert _open(db, redis_client, listing, "util.py").editable
    assert _edit(db, redis_client, listing, "util.py", "print('edited')\n") == ["util.py"]
    assert _edit(db, redis_client, listing, "README.md", "# Mine\n") == ["README.md", "util.py"]
    reopened = _open(db, redis_client, listing, "util.py")
    assert (reopened.text, reopened.edited) == ("print('edited')\n", True)
    # Another visitor (another session) sees the original.
    assert _open(db, redis_client, listing, "util.py", visitor="tab-2").text == SHORT_MAIN
    # The original text again drops the edit.
    assert _edit(db, redis_client, listing, "README.md", "# Hello\n") == ["util.py"]
    # Kept for a while, then gone; the key carries no session token in clear.
    (key,) = redis_client.keys("vc:sandbox:edits:*")
    assert "tab-1" not in key and 0 < redis_client.ttl(key) <= 2 * 3600

    # Control characters and oversized text are refused, and leave the stored edit alone.
    with pytest.raises(ValidationFailed) as nul:
        _edit(db, redis_client, listing, "util.py", "print(1)\x00\n")
    assert nul.value.code == "control_characters"
    with pytest.raises(ValidationFailed) as big:
        _edit(db, redis_client, listing, "util.py", "#" * (64 * 1024 + 1))
    assert big.value.code == "edit_too_large"
    assert _open(db, redis_client, listing, "util.py").text == "print('edited')\n"
    with configured(VIBECODER_SANDBOX_EDIT_MAX_FILES="1"), pytest.raises(ValidationFailed) as many:
        _edit(db, redis_client, listing, "README.md", "# Two\n")
    assert many.value.code == "too_many_edits"
    with configured(VIBECODER_SANDBOX_EDIT_MAX_TOTAL_BYTES="20"), pytest.raises(ValidationFailed):
        _edit(db, redis_client, listing, "README.md", "# Much more than twenty bytes\n")

    # A buyer sees main.py in full, so may edit it.
    _buy(db, buyer, listing)
    assert _open(db, redis_client, listing, "main.py", viewer=buyer, visitor="tab-b").editable
    _edit(db, redis_client, listing, "main.py", "print('mine')\n", viewer=buyer, visitor="tab-b")

    edits.reset(
        session=db, redis_client=redis_client, listing_id=listing.id, viewer=None, visitor="tab-1"
    )
    assert _open(db, redis_client, listing, "util.py").text == SHORT_MAIN
    with pytest.raises(ValidationFailed):
        _edit(db, redis_client, listing, "util.py", "x", visitor="")  # no session, no store


def _wait(db, public_id) -> SandboxRun:
    def finished():
        db.expire_all()
        run = db.exec(select(SandboxRun).where(SandboxRun.public_id == public_id)).one()
        return run if run.status in ("done", "failed", "refused") else None

    return wait_for(finished, timeout=60, interval=0.2, message=f"run {public_id} unfinished")


def _run(db, redis_client, listing, entry, visitor):
    run = request_run(
        session=db,
        redis_client=redis_client,
        listing_id=listing.id,
        viewer=None,
        ip="127.0.0.7",
        entry_point=entry,
        starter=visitor,
        edits_from=visitor,
    )
    db.commit()
    run = _wait(db, run.public_id)
    assert run.status == "done", run.error
    return run.stdout.strip()


def test_a_run_uses_the_visitors_edits_and_the_whole_original_elsewhere(
    db, redis_client, celery_worker
):
    seller = make_user(db, "seller@example.com", Role.seller)
    listing = _python_listing(db, seller)
    _edit(db, redis_client, listing, "util.py", 'print("edited by tab-1")\n')
    assert _run(db, redis_client, listing, "util.py", "tab-1") == "edited by tab-1"
    # Another visitor runs the seller's code.
    assert _run(db, redis_client, listing, "util.py", "tab-2") == "hello"
    # main.py is read-only for this unpaid visitor, and still runs whole (past line 40).
    assert _run(db, redis_client, listing, "main.py", "tab-1") == "hello from main"
    edits.reset(
        session=db, redis_client=redis_client, listing_id=listing.id, viewer=None, visitor="tab-1"
    )
    assert _run(db, redis_client, listing, "util.py", "tab-1") == "hello"
