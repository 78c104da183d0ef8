"""A seller's payout desk (/sell/payouts): where payouts go, and asking for one."""

from __future__ import annotations

from sqlmodel import Session

from vibecoder.domain.commerce import ledger
from vibecoder.infra.deferred import after_commit
from vibecoder.models.commerce import SellerPayoutAccount
from vibecoder.models.users import User


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

    def settle(payout_id: int = request.payout_id) -> None:
        from workers.payments import settle_payout_task

        settle_payout_task.delay(payout_id)

    after_commit(session, settle)
    return request.payout_id
