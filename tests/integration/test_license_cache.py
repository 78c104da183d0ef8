"""The license `validate` cache: fast answers that never outlive a refund or deactivation.

Answers are reused for at most `license_cache_seconds` (0.5 s); a change made in the same process
drops them at commit, and a change made anywhere else (a Celery worker, an admin, another
backend) is seen within that TTL — always within one second, the promise to sellers.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

from sqlmodel import select

from tests.fakes.commerce import (
    api_fixture,  # noqa: F401 - the `api` fixture
    configured,
    make_user,
    pay_as,
    process_all,
    publish,
)
from vibecoder.domain.commerce import checkout, license_cache, licensing, refunds
from vibecoder.models.commerce import License
from vibecoder.models.users import Role

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _owned_key(db, **listing_overrides):
    seller = make_user(db, "seller@example.com", Role.seller)
    buyer = make_user(db, "buyer@example.com")
    listing = publish(db, seller, pricing_model="free", price_cents=0, **listing_overrides)
    purchase = checkout.claim_free(session=db, buyer=buyer, listing_id=listing.id)
    db.commit()
    license = db.exec(select(License).where(License.purchase_id == purchase.id)).one()
    return licensing.reveal_key(license), license.id, purchase.id, seller


def _validate(api, key, instance_id=None):
    body = {"license_key": key} | ({"instance_id": instance_id} if instance_id else {})
    return api.post("/api/v1/licenses/validate", json=body)


def test_a_refund_in_this_process_is_refused_at_once(db, api):
    seller = make_user(db, "seller@example.com", Role.seller)
    buyer = make_user(db, "buyer@example.com")
    listing = publish(db, seller)
    with configured(VIBECODER_PAYMENT_GATEWAY="dummy"):
        start = checkout.begin_checkout(buyer_id=buyer.id, listing_id=listing.id)
    pay_as(api, db, buyer, "/" + start.url.split("://", 1)[1].split("/", 1)[1])
    process_all(db)
    purchase_id = start.purchase_id
    license = db.exec(select(License).where(License.purchase_id == purchase_id)).one()
    key = licensing.reveal_key(license)
    for _ in range(3):  # cached after the first
        answer = _validate(api, key).json()
        assert answer["valid"] is True and answer["license_key"]["key"] == key
    refunds.refund_purchase(session=db, actor=seller, purchase_id=purchase_id)
    db.commit()
    answer = _validate(api, key).json()
    assert answer["valid"] is False and answer["error"] == "license_disabled"


def test_a_key_disabled_by_another_process_is_refused_within_one_second(db, api):
    key, license_id, _, _ = _owned_key(db)
    assert _validate(api, key).json()["valid"] is True
    # Another process (as a Celery worker or an admin would) disables the key; this process
    # hears nothing about it, so only the cache's TTL bounds how long it can still pass.
    script = (
        "from vibecoder.domain.commerce import licensing\n"
        "from vibecoder.infra.db import session_scope\n"
        "with session_scope() as s:\n"
        f"    licensing.disable(session=s, license_id={license_id}, reason='admin')\n"
    )
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=True, timeout=120)
    committed = time.monotonic()
    while _validate(api, key).json()["valid"]:
        assert time.monotonic() - committed < 1.0, "a disabled key still validated after 1 s"
        time.sleep(0.02)
    assert time.monotonic() - committed < 1.0
    answer = _validate(api, key).json()
    assert answer["error"] == "license_disabled" and answer["license_key"]["status"] == "disabled"


def test_a_deactivated_instance_is_refused_at_once(db, api):
    key, _, _, _ = _owned_key(db)
    activated = api.post(
        "/api/v1/licenses/activate", json={"license_key": key, "instance_name": "laptop"}
    ).json()
    instance_id = activated["instance"]["id"]
    for _ in range(2):
        answer = _validate(api, key, instance_id).json()
        assert answer["valid"] is True and answer["license_key"]["activation_usage"] == 1
    api.post("/api/v1/licenses/deactivate", json={"license_key": key, "instance_id": instance_id})
    gone = _validate(api, key, instance_id)
    assert gone.status_code == 404 and gone.json()["error"] == "instance_not_found"
    assert _validate(api, key).json()["license_key"]["activation_usage"] == 0


def test_the_cache_holds_no_key(db, api):
    key, _, _, _ = _owned_key(db)
    assert _validate(api, key).json()["valid"] is True
    held = repr(license_cache._entries)
    assert licensing.hash_key(key) in held
    assert key not in held and key[9:] not in held
