"""The license API over HTTP: activate, validate, deactivate, increment-usage; limits and errors."""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlmodel import select

from tests.fakes.commerce import (
    api_fixture,  # noqa: F401 - the `api` fixture
    configured,
    make_user,
    pay_as,  # noqa: I001
    publish,
)
from vibecoder.domain.commerce import checkout, licensing, refunds
from vibecoder.domain.errors import NotFound
from vibecoder.models.commerce import License, Purchase
from vibecoder.models.users import Role


def _owned_key(db, **listing_overrides) -> tuple[str, int, object]:
    seller = make_user(db, "seller@example.com", Role.seller)
    buyer = make_user(db, "buyer@example.com")
    listing = publish(
        db,
        seller,
        pricing_model="free",
        price_cents=0,
        **{"license_type": "personal", **listing_overrides},
    )
    purchase = checkout.claim_free(session=db, buyer=buyer, listing_id=listing.id)
    db.commit()
    license = db.exec(select(License).where(License.purchase_id == purchase.id)).one()
    return licensing.reveal_key(license), purchase.id, buyer


def _post(api, action: str, **body):
    return api.post(f"/api/v1/licenses/{action}", json=body)


def test_keys_are_grouped_random_and_stored_only_hashed(db):
    key, purchase_id, _ = _owned_key(db)
    assert re.fullmatch(r"VC(-[0-9A-HJKMNP-TV-Z]{5}){5}", key)
    row = db.exec(select(License).where(License.purchase_id == purchase_id)).one()
    assert row.key_prefix == key[:8] and row.key_hash == licensing.hash_key(key)
    dump = " ".join(str(v) for v in db.exec(text("select * from licenses")).one())
    assert key not in dump and key[9:] not in dump
    keys = {licensing.derive_key(f"salt-{i}") for i in range(500)}
    assert len(keys) == 500
    # What people paste: lower case, no dashes, look-alike letters.
    assert licensing.normalize_key(key.lower().replace("-", "")) == key
    assert licensing.normalize_key(key.replace("0", "O").replace("1", "I")) == key


def test_activate_validate_deactivate_round_trip(db, api):
    key, _, _ = _owned_key(db)
    response = _post(api, "activate", license_key=key, instance_name="laptop")
    assert response.status_code == 200
    body = response.json()
    assert body["activated"] is True and body["error"] is None
    assert body["license_key"]["status"] == "active"
    assert body["license_key"]["activation_limit"] == 3
    assert body["license_key"]["activation_usage"] == 1
    assert body["license_key"]["expires_at"] is None
    assert set(body["instance"]) == {"id", "name", "created_at"}
    assert body["instance"]["name"] == "laptop"
    # The listing and the key's status; never whose key it is.
    assert body["meta"] == {"listing_slug": "csv-deduper", "listing_title": "CSV Deduper"}
    assert "buyer@example.com" not in response.text
    instance_id = body["instance"]["id"]
    valid = _post(api, "validate", license_key=key, instance_id=instance_id).json()
    assert valid["valid"] is True and valid["instance"]["id"] == instance_id
    assert _post(api, "validate", license_key=key).json()["valid"] is True
    missing = _post(api, "validate", license_key=key, instance_id="not-an-instance")
    assert missing.status_code == 404 and missing.json()["error"] == "instance_not_found"
    gone = _post(api, "deactivate", license_key=key, instance_id=instance_id).json()
    assert gone["deactivated"] is True and gone["license_key"]["status"] == "inactive"
    assert gone["license_key"]["activation_usage"] == 0
    again = _post(api, "deactivate", license_key=key, instance_id=instance_id)
    assert again.status_code == 404 and again.json()["error"] == "instance_not_found"


def test_activation_limit_from_license_type_and_freed_slots(db, api):
    key, _, buyer = _owned_key(db)  # personal: 3 machines
    ids = [
        _post(api, "activate", license_key=key, instance_name=f"pc{i}").json()["instance"]["id"]
        for i in range(3)
    ]
    refused = _post(api, "activate", license_key=key, instance_name="pc4")
    assert refused.status_code == 400
    assert refused.json()["activated"] is False
    assert refused.json()["error"] == "activation_limit_reached"
    # The buyer frees a slot from the library.
    from vibecoder.models.commerce import LicenseActivation

    activation = db.exec(
        select(LicenseActivation).where(LicenseActivation.instance_id == ids[0])
    ).one()
    stranger = make_user(db, "stranger@example.com")
    with pytest.raises(NotFound):
        licensing.free_activation(session=db, owner=stranger, activation_id=activation.id)
    db.rollback()
    licensing.free_activation(session=db, owner=buyer, activation_id=activation.id)
    db.commit()
    assert _post(api, "activate", license_key=key, instance_name="pc4").json()["activated"]


def test_racing_activations_never_exceed_the_limit(db, api):
    key, _, _ = _owned_key(db, license_type="personal")
    results: list[int] = []

    def activate(i: int) -> None:
        results.append(_post(api, "activate", license_key=key, instance_name=f"m{i}").status_code)

    threads = [threading.Thread(target=activate, args=(i,)) for i in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [200] * 3 + [400] * 9


def test_unknown_malformed_and_odd_requests_get_json_errors(db, api):
    _owned_key(db)
    cases = [
        ({"license_key": "VC-AAAAA-AAAAA-AAAAA-AAAAA-AAAAA"}, 404, "license_not_found"),
        ({"license_key": "nonsense"}, 404, "license_not_found"),
        ({}, 422, "license_key_required"),
        ({"license_key": ["a", "list"]}, 422, "license_key_required"),
        ({"license_key": "x" * 10_000}, 404, "license_not_found"),
    ]
    for body, status, code in cases:
        response = api.post("/api/v1/licenses/validate", json=body)
        assert (response.status_code, response.json()["error"]) == (status, code), body
        assert response.json()["valid"] is False
    broken = api.post(
        "/api/v1/licenses/activate",
        content=b"{not json",
        headers={"Content-Type": "application/json"},
    )
    assert broken.status_code == 422 and broken.json()["error"] == "invalid_request"
    assert "Traceback" not in broken.text
    nameless = _post(api, "activate", license_key="VC-AAAAA-AAAAA-AAAAA-AAAAA-AAAAA")
    assert nameless.json()["error"] == "instance_name_required"


def test_form_encoded_requests_like_lemon_squeezy_clients_send(db, api):
    key, _, _ = _owned_key(db)
    response = api.post(
        "/api/v1/licenses/activate", data={"license_key": key, "instance_name": "ci"}
    )
    assert response.status_code == 200 and response.json()["activated"] is True


def test_refund_disables_the_key(db, api):
    seller = make_user(db, "seller@example.com", Role.seller)
    buyer = make_user(db, "buyer@example.com")
    listing = publish(db, seller)
    with configured(VIBECODER_PAYMENT_GATEWAY="dummy"):
        start = checkout.begin_checkout(buyer_id=buyer.id, listing_id=listing.id)
    path = "/" + start.url.split("://", 1)[1].split("/", 1)[1]
    pay_as(api, db, buyer, path)
    from tests.fakes.commerce import process_all

    process_all(db)
    license = db.exec(select(License).where(License.purchase_id == start.purchase_id)).one()
    key = licensing.reveal_key(license)
    instance = _post(api, "activate", license_key=key, instance_name="a").json()["instance"]
    refunds.refund_purchase(session=db, actor=seller, purchase_id=start.purchase_id)
    db.commit()
    validated = _post(api, "validate", license_key=key, instance_id=instance["id"]).json()
    assert validated["valid"] is False and validated["error"] == "license_disabled"
    assert validated["license_key"]["status"] == "disabled"
    refused = _post(api, "activate", license_key=key, instance_name="b")
    assert refused.status_code == 403 and refused.json()["error"] == "license_disabled"
    usage = _post(api, "increment-usage", license_key=key, quantity=1)
    assert usage.json()["error"] == "license_disabled"


def test_subscription_keys_expire_with_the_period(db):
    key, purchase_id, _ = _owned_key(db)
    end = datetime.now(UTC) + timedelta(days=2)
    licensing.set_expiry(session=db, purchase_id=purchase_id, expires_at=end)
    db.commit()
    before = licensing.validate(session=db, license_key=key, now=end - timedelta(seconds=1))
    after = licensing.validate(session=db, license_key=key, now=end + timedelta(seconds=1))
    assert before["valid"] is True
    assert (after["valid"], after["error"], after["license_key"]["status"]) == (
        False,
        "license_expired",
        "expired",
    )
    with pytest.raises(licensing.LicenseError) as err:
        licensing.activate(
            session=db, license_key=key, instance_name="x", now=end + timedelta(seconds=1)
        )
    assert err.value.code == "license_expired"


def test_usage_based_keys_count_down(db, api):
    seller = make_user(db, "seller@example.com", Role.seller)
    buyer = make_user(db, "buyer@example.com")
    listing = publish(db, seller, pricing_model="usage", price_cents=50)
    with configured(VIBECODER_PAYMENT_GATEWAY="dummy", VIBECODER_USAGE_PACK_RUNS="10"):
        start = checkout.begin_checkout(buyer_id=buyer.id, listing_id=listing.id)
        path = "/" + start.url.split("://", 1)[1].split("/", 1)[1]
        pay_as(api, db, buyer, path)
        from tests.fakes.commerce import process_all

        process_all(db)
    purchase = db.get(Purchase, start.purchase_id)
    assert purchase.amount_cents == 500  # 10 runs at 0.50
    key = licensing.reveal_key(
        db.exec(select(License).where(License.purchase_id == purchase.id)).one()
    )
    first = _post(api, "increment-usage", license_key=key, quantity=7).json()
    assert first["success"] is True and first["license_key"]["usage_count"] == 7
    assert first["license_key"]["usage_limit"] == 10
    over = _post(api, "increment-usage", license_key=key, quantity=4)
    assert over.status_code == 400 and over.json()["error"] == "usage_limit_reached"
    assert _post(api, "increment-usage", license_key=key, quantity=3).json()["success"]
    bad = _post(api, "increment-usage", license_key=key, quantity="lots")
    assert bad.status_code == 422 and bad.json()["error"] == "invalid_quantity"


def test_rate_limited_per_key_and_per_ip(db, api):
    key, _, _ = _owned_key(db)
    with configured(
        VIBECODER_LICENSE_API_PER_KEY_PER_MINUTE="5", VIBECODER_LICENSE_API_PER_IP_PER_MINUTE="8"
    ):
        codes = [_post(api, "validate", license_key=key).status_code for _ in range(6)]
        assert codes == [200] * 5 + [429]
        limited = _post(api, "validate", license_key=key)
        assert limited.json()["error"] == "rate_limited"
        assert int(limited.headers["Retry-After"]) >= 1
        # Other keys from the same address: the per-IP budget (8 per minute) runs out next.
        other = [
            _post(api, "validate", license_key=f"VC-AAAAA-AAAAA-AAAAA-AAAAA-AAAA{i}").status_code
            for i in range(3)
        ]
        assert other[-1] == 429
