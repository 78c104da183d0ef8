"""A builder project leaves the builder: the owner's zip of a version, and "Sell this"."""

from __future__ import annotations

import io
import zipfile

import pytest
from sqlmodel import select

from tests.fakes.commerce import api_fixture, make_user  # noqa: F401 - the `api` fixture
from vibecoder.builder.service.export import sell_project
from vibecoder.builder.service.projects import add_message, create_project, create_version
from vibecoder.domain.accounts import auth
from vibecoder.domain.catalog import listings as catalog
from vibecoder.domain.catalog.detail import listing_view
from vibecoder.errors import NotFound, PermissionDenied, ValidationFailed
from vibecoder.models.builder import BuilderProject
from vibecoder.models.catalog import AiMetadata, Listing, ListingVersion
from vibecoder.models.users import Role

HERO_V1 = 'export default function Hero() { return <h1 className="text-4xl">Ember</h1>; }\n'
HERO_V2 = 'export default function Hero() { return <h1 className="text-5xl">Ember v2</h1>; }\n'
PROMPT = "A landing page for a coffee roaster called Ember"


def _version(db, project, hero: str, *, message: str, tokens=(0, 0)):
    version = create_version(
        session=db,
        project_id=project.id,
        files={
            "src/components/Hero.jsx": hero,
            "src/App.jsx": 'import Hero from "./components/Hero.jsx";\n',
            "index.html": '<div id="root"></div><script src="app.js"></script>\n',
        },
        bundle_js=f"/* bundle of {message} */",
        css=f"/* css of {message} */",
        message=message,
        provider="scripted",
        model="scripted-demo",
        tokens_in=tokens[0],
        tokens_out=tokens[1],
    )
    db.commit()
    return version


def _project(db, owner, *, name="Ember Coffee!", versions=True):
    project = create_project(session=db, owner_id=owner.id, name=name, provider="scripted")
    add_message(session=db, project_id=project.id, run_id="r1", role="user", content=PROMPT)
    add_message(
        session=db, project_id=project.id, run_id="r1", role="assistant", content="Hero ready"
    )
    project.tokens_in, project.tokens_out = 1200, 3400
    db.commit()
    if versions:
        _version(db, project, HERO_V1, message="BUILD Hero", tokens=(1200, 3400))
    return project


def _get(api, path: str, token: str | None):
    api.cookies.clear()
    if token:
        api.cookies.set("vc_session", token)
    return api.get(path)


def _token(db, user) -> str:
    token = auth.create_session(session=db, user=user)
    db.commit()
    return token


# --- zip -----------------------------------------------------------------------------------------


def test_owner_downloads_a_version_as_a_zip_with_the_built_page(db, api):
    owner = make_user(db, "owner@example.com")
    project = _project(db, owner)
    _version(db, project, HERO_V2, message="MODIFY Hero")

    response = _get(api, f"/api/build/{project.public_id}/1/zip", _token(db, owner))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    assert (
        response.headers["content-disposition"]
        == "attachment; filename*=UTF-8''ember-coffee-v1.zip"
    )
    assert response.headers["cache-control"] == "private, no-store"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.testzip() is None
    assert sorted(archive.namelist()) == [
        "ember-coffee-v1/app.css",
        "ember-coffee-v1/app.js",
        "ember-coffee-v1/index.html",
        "ember-coffee-v1/src/App.jsx",
        "ember-coffee-v1/src/components/Hero.jsx",
    ]
    # Version 1's own content, not the current version's.
    assert archive.read("ember-coffee-v1/src/components/Hero.jsx").decode() == HERO_V1
    assert archive.read("ember-coffee-v1/app.js").decode() == "/* bundle of BUILD Hero */"

    second = _get(api, f"/api/build/{project.public_id}/2/zip", _token(db, owner))
    v2 = zipfile.ZipFile(io.BytesIO(second.content))
    assert v2.read("ember-coffee-v2/src/components/Hero.jsx").decode() == HERO_V2


def test_zip_of_someone_elses_project_is_the_same_404_as_nothing(db, api):
    owner = make_user(db, "owner@example.com")
    other = make_user(db, "other@example.com")
    project = _project(db, owner)
    owner_token, other_token = _token(db, owner), _token(db, other)
    path = f"/api/build/{project.public_id}/1/zip"

    denied = [
        _get(api, path, other_token),
        _get(api, path, None),
        _get(api, path, "forged-token"),
        _get(api, f"/api/build/{project.public_id}/2/zip", owner_token),
        _get(api, f"/api/build/{project.public_id}/0/zip", owner_token),
        _get(api, "/api/build/nope/1/zip", owner_token),
    ]
    assert [r.status_code for r in denied] == [404] * len(denied)
    assert len({r.text for r in denied}) == 1
    assert "Ember" not in denied[0].text
    assert _get(api, path, owner_token).status_code == 200


# --- "Sell this" ---------------------------------------------------------------------------------


def test_sell_this_makes_a_draft_listing_with_the_files_as_1_0_0_and_ai_metadata(db):
    seller = make_user(db, "maker@example.com", role=Role.seller)
    project = _project(db, seller)

    outcome = sell_project(session=db, seller=seller, public_id=project.public_id)
    db.commit()
    assert outcome.created and outcome.added_version and outcome.version == "1.0.0"

    listing = db.get(Listing, outcome.listing_id)
    assert listing.seller_id == seller.id
    assert listing.status == "draft" and listing.published_at is None
    assert listing.title == "Ember Coffee!"
    assert listing.category == "Storefront templates"
    assert listing.summary == PROMPT
    assert listing.slug.startswith("ember-coffee-")
    versions = catalog.versions_of(session=db, listing_id=listing.id, published_only=False)
    assert [(v.version, v.is_published, v.is_latest) for v in versions] == [("1.0.0", False, False)]
    files = {f.path: f for f in catalog.files_of(session=db, version_id=versions[0].id)}
    assert sorted(files) == [
        "app.css",
        "app.js",
        "index.html",
        "src/App.jsx",
        "src/components/Hero.jsx",
    ]
    hero = files["src/components/Hero.jsx"]
    assert hero.language == "jsx" and hero.size == len(HERO_V1.encode()) and not hero.is_binary

    meta = db.get(AiMetadata, versions[0].id)
    assert (meta.model, meta.provider) == ("scripted-demo", "scripted")
    assert (meta.token_input, meta.token_output) == (1200, 3400)
    assert meta.prompt_history == [
        {"role": "user", "content": PROMPT},
        {"role": "assistant", "content": "Hero ready"},
    ]
    assert meta.generated_at is not None

    # Not in the shop: a buyer cannot see the draft, the seller sees its provenance.
    buyer = make_user(db, "buyer@example.com")
    with pytest.raises(NotFound):
        listing_view(session=db, slug=listing.slug, viewer=buyer)
    view = listing_view(session=db, slug=listing.slug, viewer=seller)
    assert [p.content for p in view.prompts] == [PROMPT, "Hero ready"]


def test_second_click_opens_the_same_listing_and_new_code_becomes_a_patch_version(db):
    seller = make_user(db, "maker@example.com", role=Role.seller)
    project = _project(db, seller)
    first = sell_project(session=db, seller=seller, public_id=project.public_id)
    db.commit()

    again = sell_project(session=db, seller=seller, public_id=project.public_id)
    db.commit()
    assert (again.listing_id, again.created, again.added_version, again.version) == (
        first.listing_id,
        False,
        False,
        "1.0.0",
    )
    assert len(db.exec(select(Listing).where(Listing.seller_id == seller.id)).all()) == 1

    # Renaming the project does not lose the link; changed code is the next patch version.
    db.get(BuilderProject, project.id).name = "Ember Roasters"
    db.commit()
    _version(db, project, HERO_V2, message="MODIFY Hero")
    changed = sell_project(session=db, seller=seller, public_id=project.public_id)
    db.commit()
    assert (changed.listing_id, changed.created, changed.added_version, changed.version) == (
        first.listing_id,
        False,
        True,
        "1.0.1",
    )
    rows = db.exec(
        select(ListingVersion.version, ListingVersion.is_published)
        .where(ListingVersion.listing_id == first.listing_id)
        .order_by(ListingVersion.version)
    ).all()
    assert rows == [("1.0.0", False), ("1.0.1", False)]
    assert db.get(Listing, first.listing_id).status == "draft"


def test_buyers_others_and_empty_projects_are_refused_with_nothing_written(db):
    buyer = make_user(db, "buyer@example.com")
    seller = make_user(db, "maker@example.com", role=Role.seller)
    mine = _project(db, buyer)
    theirs = _project(db, seller, name="Their shop")
    empty = _project(db, seller, name="Empty", versions=False)

    with pytest.raises(PermissionDenied) as refused:
        sell_project(session=db, seller=buyer, public_id=mine.public_id)
    assert refused.value.code == "not_a_seller" and "seller" in refused.value.message
    with pytest.raises(NotFound):
        sell_project(session=db, seller=seller, public_id=mine.public_id)
    with pytest.raises(NotFound):
        sell_project(session=db, seller=buyer, public_id=theirs.public_id)
    with pytest.raises(ValidationFailed) as nothing:
        sell_project(session=db, seller=seller, public_id=empty.public_id)
    assert nothing.value.code == "no_version"
    db.rollback()
    assert db.exec(select(Listing)).all() == []


def test_two_clicks_at_once_make_one_listing(db):
    import concurrent.futures
    import threading

    from vibecoder.infra.db import session_scope

    seller = make_user(db, "maker@example.com", role=Role.seller)
    project = _project(db, seller)
    start = threading.Barrier(2)

    def click():
        start.wait()
        with session_scope() as session:
            return sell_project(
                session=session, seller=session.merge(seller), public_id=project.public_id
            )

    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        outcomes = [f.result() for f in [pool.submit(click), pool.submit(click)]]
    assert len({o.listing_id for o in outcomes}) == 1
    assert sorted(o.created for o in outcomes) == [False, True]
    db.expire_all()
    assert len(db.exec(select(Listing).where(Listing.seller_id == seller.id)).all()) == 1
    assert len(db.exec(select(ListingVersion)).all()) == 1
