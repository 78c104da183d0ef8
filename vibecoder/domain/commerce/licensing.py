"""License keys and the license API (Lemon Squeezy-compatible response shape).

A key is `VC-XXXXX-XXXXX-XXXXX-XXXXX-XXXXX`: 125 bits in Crockford base32, grouped for
reading aloud. Only its SHA-256 and the visible prefix `VC-XXXXX` are stored. The key is
HMAC(server secret, random per-license salt), so its owner can be shown it again without the
database ever holding it: a database leak alone reveals no key.

Statuses: inactive (no activations), active (at least one), expired (a subscription past its
period end), disabled (refunded, disputed, or by an admin). Every failure is a LicenseError
with a stable code; the API turns it into JSON.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, update
from sqlmodel import Session, select

from vibecoder.domain.commerce import license_cache
from vibecoder.errors import NotFound, ServiceError
from vibecoder.models.catalog import LicenseType, Listing, PricingModel
from vibecoder.models.commerce import (
    License,
    LicenseActivation,
    LicenseStatus,
    Purchase,
    PurchaseStatus,
)
from vibecoder.models.users import User
from vibecoder.settings import get_settings

KEY_PREFIX = "VC"
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
_GROUPS, _GROUP_LEN = 5, 5

# How many machines one purchase may activate, by the listing's license type (None: no limit).
ACTIVATION_LIMITS: dict[str, int | None] = {
    LicenseType.personal: 3,
    LicenseType.commercial: 10,
    LicenseType.extended: None,
    LicenseType.mit: None,
    LicenseType.apache_2_0: None,
}
MAX_INSTANCE_NAME = 200


class LicenseError(ServiceError):
    def __init__(self, code: str, message: str, *, status_code: int = 400):
        super().__init__(code, message)
        self.status_code = status_code


def _secret() -> bytes:
    root = get_settings().secret_key.encode()
    return hmac.new(root, b"vibecoder:license-keys:v1", hashlib.sha256).digest()


def _encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    chars = []
    for _ in range(_GROUPS * _GROUP_LEN):
        chars.append(_ALPHABET[number & 31])
        number >>= 5
    body = "".join(chars)
    groups = [body[i : i + _GROUP_LEN] for i in range(0, len(body), _GROUP_LEN)]
    return "-".join([KEY_PREFIX, *groups])


def derive_key(salt: str) -> str:
    return _encode(hmac.new(_secret(), salt.encode(), hashlib.sha256).digest()[:16])


def normalize_key(raw: str) -> str:
    """Accept what people paste: any case, spaces, and look-alike letters (Crockford)."""
    cleaned = "".join(c for c in str(raw).upper() if c.isalnum())
    cleaned = cleaned.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))
    body_length = _GROUPS * _GROUP_LEN
    if len(cleaned) == body_length + len(KEY_PREFIX) and cleaned.startswith(KEY_PREFIX):
        cleaned = cleaned[len(KEY_PREFIX) :]
    if len(cleaned) != body_length or any(c not in _ALPHABET for c in cleaned):
        return ""
    groups = [cleaned[i : i + _GROUP_LEN] for i in range(0, len(cleaned), _GROUP_LEN)]
    return "-".join([KEY_PREFIX, *groups])


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def mask(prefix: str) -> str:
    return prefix + "-•••••-•••••-•••••-•••••"


def mask_key(key: str) -> str:
    """A key as receipts and notifications show it: its prefix and last four, never in full."""
    return f"{key[:8]}-…-{key[-4:]}" if len(key) > 16 else "••••"


def activation_limit_for(listing: Listing) -> int | None:
    return ACTIVATION_LIMITS.get(listing.license_type, 3)


def issue_license(
    *, session: Session, purchase: Purchase, listing: Listing, expires_at: datetime | None
) -> tuple[License, str]:
    """The purchase's license (created once) and its key in clear."""
    existing = session.exec(select(License).where(License.purchase_id == purchase.id)).first()
    if existing is not None:
        return existing, reveal_key(existing) or ""
    salt = secrets.token_hex(16)
    key = derive_key(salt)
    usage_limit = None
    if listing.pricing_model == PricingModel.usage:
        # The runs paid for, from the purchase itself: the pack size may change later.
        usage_limit = purchase.amount_cents // listing.price_cents if listing.price_cents else 0
    row = License(
        purchase_id=purchase.id,
        listing_id=listing.id,
        key_hash=hash_key(key),
        key_prefix=key[:8],
        key_salt=salt,
        status=LicenseStatus.inactive,
        activation_limit=activation_limit_for(listing),
        usage_limit=usage_limit,
        expires_at=expires_at,
    )
    session.add(row)
    session.flush()
    return row, key


def reveal_key(license: License) -> str | None:
    """The key for its owner; None if it cannot be re-derived (the server secret changed)."""
    if not license.key_salt:
        return None
    key = derive_key(license.key_salt)
    return key if hmac.compare_digest(hash_key(key), license.key_hash) else None


def effective_status(license: License, purchase_status: str, now: datetime) -> str:
    if license.status == LicenseStatus.disabled or purchase_status in (
        PurchaseStatus.refunded,
        PurchaseStatus.disputed,
    ):
        return LicenseStatus.disabled
    if license.expires_at is not None and license.expires_at <= now:
        return LicenseStatus.expired
    return license.status


def disable(*, session: Session, license_id: int, reason: str) -> None:
    session.exec(
        update(License)
        .where(License.id == license_id)
        .values(status=LicenseStatus.disabled, disabled_reason=reason[:200])
    )
    license_cache.forget_after_commit(session, license_id)


def set_expiry(*, session: Session, purchase_id: int, expires_at: datetime | None) -> None:
    changed = session.exec(
        update(License)
        .where(License.purchase_id == purchase_id)
        .values(expires_at=expires_at)
        .returning(License.id)
    )
    for license_id in changed.scalars():
        license_cache.forget_after_commit(session, license_id)


# --- the license API ------------------------------------------------------------------------


@dataclass
class KeyContext:
    license: License
    purchase_status: str
    listing_slug: str
    listing_title: str
    key: str


def _lookup(session: Session, raw_key: Any, *, lock: bool = False) -> KeyContext:
    if not isinstance(raw_key, str) or not raw_key.strip():
        raise LicenseError("license_key_required", "Send license_key.", status_code=422)
    key = normalize_key(raw_key)
    if not key:
        raise LicenseError("license_not_found", "This license key does not exist.", status_code=404)
    query = (
        select(License, Purchase.status, Listing.slug, Listing.title)
        .join(Purchase, Purchase.id == License.purchase_id)
        .join(Listing, Listing.id == License.listing_id)
        .where(License.key_hash == hash_key(key))
    )
    if lock:
        # Serialises activations of one key, so two racing machines cannot both take the last slot.
        query = query.with_for_update(of=License)
    row = session.exec(query).first()
    if row is None:
        raise LicenseError("license_not_found", "This license key does not exist.", status_code=404)
    license, status, slug, title = row
    return KeyContext(license, status, slug, title, key)


def _active_count(session: Session, license_id: int) -> int:
    return session.exec(
        select(func.count())
        .select_from(LicenseActivation)
        .where(
            LicenseActivation.license_id == license_id, LicenseActivation.deactivated_at.is_(None)
        )
    ).one()


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _key_block(ctx: KeyContext, status: str, usage: int) -> dict[str, Any]:
    lic = ctx.license
    return {
        "id": lic.id,
        "status": status,
        "key": ctx.key,
        "activation_limit": lic.activation_limit,
        "activation_usage": usage,
        "usage_limit": lic.usage_limit,
        "usage_count": lic.usage_count,
        "created_at": _iso(lic.created_at),
        "expires_at": _iso(lic.expires_at),
    }


def _instance_block(activation: LicenseActivation | None) -> dict[str, Any] | None:
    if activation is None:
        return None
    return {
        "id": activation.instance_id,
        "name": activation.name,
        "created_at": _iso(activation.created_at),
    }


def _meta(ctx: KeyContext) -> dict[str, Any]:
    # The listing, not the buyer: a key holder (any app the key is pasted into) must not
    # learn whose key it is.
    return {"listing_slug": ctx.listing_slug, "listing_title": ctx.listing_title}


def _refuse_unusable(status: str) -> None:
    if status == LicenseStatus.disabled:
        raise LicenseError("license_disabled", "This license key is disabled.", status_code=403)
    if status == LicenseStatus.expired:
        raise LicenseError("license_expired", "This license key has expired.", status_code=403)


def activate(
    *, session: Session, license_key: Any, instance_name: Any, now: datetime | None = None
) -> dict[str, Any]:
    now = now or datetime.now(UTC)
    name = str(instance_name or "").strip()
    if not name or len(name) > MAX_INSTANCE_NAME:
        raise LicenseError(
            "instance_name_required",
            f"Send instance_name (1–{MAX_INSTANCE_NAME} characters).",
            status_code=422,
        )
    ctx = _lookup(session, license_key, lock=True)
    _refuse_unusable(effective_status(ctx.license, ctx.purchase_status, now))
    used = _active_count(session, ctx.license.id)
    limit = ctx.license.activation_limit
    if limit is not None and used >= limit:
        raise LicenseError(
            "activation_limit_reached",
            f"This key is already active on {used} of {limit} machines. Deactivate one first.",
        )
    activation = LicenseActivation(
        license_id=ctx.license.id, instance_id=str(uuid.uuid4()), name=name, created_at=now
    )
    session.add(activation)
    ctx.license.status = LicenseStatus.active
    session.add(ctx.license)
    session.flush()
    license_cache.forget_after_commit(session, ctx.license.id)
    return {
        "activated": True,
        "error": None,
        "license_key": _key_block(ctx, LicenseStatus.active, used + 1),
        "instance": _instance_block(activation),
        "meta": _meta(ctx),
    }


def _instance(session: Session, license_id: int, instance_id: Any) -> LicenseActivation:
    if not isinstance(instance_id, str) or not instance_id or len(instance_id) > 64:
        raise LicenseError("instance_not_found", "No such instance for this key.", status_code=404)
    activation = session.exec(
        select(LicenseActivation).where(
            LicenseActivation.license_id == license_id,
            LicenseActivation.instance_id == instance_id,
            LicenseActivation.deactivated_at.is_(None),
        )
    ).first()
    if activation is None:
        raise LicenseError("instance_not_found", "No such instance for this key.", status_code=404)
    return activation


def validate(
    *,
    session: Session,
    license_key: Any,
    instance_id: Any = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Read-only: a hot path for apps checking their key at start-up."""
    now = now or datetime.now(UTC)
    ctx = _lookup(session, license_key)
    status = effective_status(ctx.license, ctx.purchase_status, now)
    activation = None
    if instance_id not in (None, ""):
        activation = _instance(session, ctx.license.id, instance_id)
    usage = _active_count(session, ctx.license.id)
    valid = status in (LicenseStatus.active, LicenseStatus.inactive)
    error = None
    if status == LicenseStatus.disabled:
        error = "license_disabled"
    elif status == LicenseStatus.expired:
        error = "license_expired"
    return {
        "valid": valid,
        "error": error,
        "license_key": _key_block(ctx, status, usage),
        "instance": _instance_block(activation),
        "meta": _meta(ctx),
    }


def deactivate(
    *, session: Session, license_key: Any, instance_id: Any, now: datetime | None = None
) -> dict[str, Any]:
    now = now or datetime.now(UTC)
    ctx = _lookup(session, license_key, lock=True)
    activation = _instance(session, ctx.license.id, instance_id)
    activation.deactivated_at = now
    session.add(activation)
    session.flush()
    license_cache.forget_after_commit(session, ctx.license.id)
    remaining = _active_count(session, ctx.license.id)
    if ctx.license.status == LicenseStatus.active and remaining == 0:
        ctx.license.status = LicenseStatus.inactive
        session.add(ctx.license)
    status = effective_status(ctx.license, ctx.purchase_status, now)
    return {
        "deactivated": True,
        "error": None,
        "license_key": _key_block(ctx, status, remaining),
        "instance": _instance_block(activation),
        "meta": _meta(ctx),
    }


def increment_usage(
    *, session: Session, license_key: Any, quantity: Any = 1, now: datetime | None = None
) -> dict[str, Any]:
    now = now or datetime.now(UTC)
    try:
        amount = int(quantity if quantity not in (None, "") else 1)
    except (TypeError, ValueError):
        amount = 0
    if not 1 <= amount <= 1_000_000:
        raise LicenseError(
            "invalid_quantity", "quantity must be a whole number from 1.", status_code=422
        )
    ctx = _lookup(session, license_key, lock=True)
    _refuse_unusable(effective_status(ctx.license, ctx.purchase_status, now))
    lic = ctx.license
    if lic.usage_limit is not None and lic.usage_count + amount > lic.usage_limit:
        raise LicenseError(
            "usage_limit_reached",
            f"This key has {lic.usage_limit - lic.usage_count} of {lic.usage_limit} uses left.",
        )
    lic.usage_count += amount
    session.add(lic)
    session.flush()
    license_cache.forget_after_commit(session, lic.id)
    return {
        "success": True,
        "error": None,
        "license_key": _key_block(
            ctx, effective_status(lic, ctx.purchase_status, now), _active_count(session, lic.id)
        ),
        "instance": None,
        "meta": _meta(ctx),
    }


# --- the owner's view (library) --------------------------------------------------------------


def activations_for(*, session: Session, license_id: int) -> list[LicenseActivation]:
    return list(
        session.exec(
            select(LicenseActivation)
            .where(
                LicenseActivation.license_id == license_id,
                LicenseActivation.deactivated_at.is_(None),
            )
            .order_by(LicenseActivation.created_at)
        )
    )


def free_activation(
    *, session: Session, owner: User, activation_id: int, now: datetime | None = None
) -> None:
    """A buyer frees one of their own activation slots from the library."""
    row = session.exec(
        select(LicenseActivation, License)
        .join(License, License.id == LicenseActivation.license_id)
        .join(Purchase, Purchase.id == License.purchase_id)
        .where(LicenseActivation.id == activation_id, Purchase.buyer_id == owner.id)
        .with_for_update(of=License)
    ).first()
    # Someone else's activation looks exactly like a missing one.
    if row is None:
        raise NotFound("activation_not_found", "No such activation.")
    activation, lic = row
    if activation.deactivated_at is None:
        activation.deactivated_at = now or datetime.now(UTC)
        session.add(activation)
        session.flush()
        license_cache.forget_after_commit(session, lic.id)
        if lic.status == LicenseStatus.active and _active_count(session, lic.id) == 0:
            lic.status = LicenseStatus.inactive
            session.add(lic)
            session.flush()
