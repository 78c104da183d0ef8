"""Seller payout accounts: Connect onboarding (create the connected account, hand out links)."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from sqlmodel import Session, select

from vibecoder.domain.commerce import ledger
from vibecoder.domain.commerce.errors import PaymentUnavailable
from vibecoder.domain.commerce.gateways import GatewayError, get_gateway
from vibecoder.errors import PermissionDenied
from vibecoder.infra import dispatch
from vibecoder.models.commerce import SellerPayoutAccount
from vibecoder.models.users import Role, User
from vibecoder.settings import get_settings


def start_payout_onboarding(*, session: Session, seller: User) -> str:
    """Create the seller's connected account if needed and return where to finish onboarding."""
    if seller.role not in (Role.seller, Role.admin):
        raise PermissionDenied("not_a_seller", "Become a seller first.")
    from vibecoder.domain.accounts.email_links import require_verified_email

    require_verified_email(seller)
    gateway = get_gateway()
    settings = get_settings()
    account = session.exec(
        select(SellerPayoutAccount)
        .where(SellerPayoutAccount.seller_id == seller.id)
        .with_for_update()
    ).first()
    try:
        if account is None or account.gateway != gateway.name:
            created = gateway.create_seller_account(
                seller_id=seller.id,
                email=seller.email,
                idempotency_key=f"vc-account-{seller.id}-{gateway.name}",
            )
            if account is None:
                account = SellerPayoutAccount(
                    seller_id=seller.id, gateway=gateway.name, account_ref=created.account_ref
                )
            account.gateway = gateway.name
            account.account_ref = created.account_ref
            account.charges_enabled = created.charges_enabled
            account.payouts_enabled = created.payouts_enabled
            account.details_submitted = created.details_submitted
            account.updated_at = datetime.now(UTC)
            session.add(account)
            session.flush()
        return gateway.onboarding_link(
            account_ref=account.account_ref,
            refresh_url=f"{settings.public_url}/sell/payouts?onboarding=refresh",
            return_url=f"{settings.public_url}/sell/payouts?onboarding=done",
            idempotency_key=f"vc-account-link-{seller.id}-{secrets.token_hex(8)}",
        )
    except GatewayError as exc:
        raise PaymentUnavailable("onboarding_failed", exc.message) from exc


def payout_account_summary(*, session: Session, seller: User) -> str:
    """A sentence on where payouts go."""
    account = session.get(SellerPayoutAccount, seller.id)
    if account is None:
        return "No payout account connected yet."
    if account.payouts_enabled:
        return f"Payouts go to {account.gateway} account {account.account_ref}."
    return f"{account.gateway} account {account.account_ref} cannot receive payouts yet" + (
        f" ({account.disabled_reason})." if account.disabled_reason else "."
    )


def request_payout_and_settle(*, session: Session, seller: User, currency: str) -> int:
    """Request a payout of the unpaid balance; the worker settles it once this commits."""
    request = ledger.request_payout(session=session, seller=seller, currency=currency)
    dispatch.send("workers.payments.settle_payout", request.payout_id, session=session)
    return request.payout_id
