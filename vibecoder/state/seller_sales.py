"""/sell/payouts: a seller's sales (with refunds), balance, ledger and payouts."""

from __future__ import annotations

from typing import TYPE_CHECKING

import reflex as rx

from vibecoder.domain.commerce import ledger
from vibecoder.domain.commerce.ledger import Balance, LedgerRow, PayoutRow
from vibecoder.domain.commerce.payouts import (
    payout_account_summary,
    request_payout_and_settle,
    start_payout_onboarding,
)
from vibecoder.domain.commerce.refunds import refund_purchase
from vibecoder.domain.commerce.sales import SaleRow, seller_sales
from vibecoder.state.auth import AuthState
from vibecoder.state.purchase import go_to

if TYPE_CHECKING:
    from sqlmodel import Session

    from vibecoder.models.users import User


class SellerSalesState(AuthState):
    sales: list[SaleRow] = []
    balances: list[Balance] = []
    entries: list[LedgerRow] = []
    payouts: list[PayoutRow] = []
    account: str = ""  # a sentence on where payouts go
    message: str = ""
    error: str = ""

    async def _fill(self) -> None:
        def books(session: Session, user: User):
            if user.role not in ("seller", "admin"):
                return None
            return (
                seller_sales(session=session, seller=user, limit=50),
                ledger.balances(session=session, seller_id=user.id),
                ledger.entries(session=session, seller_id=user.id, limit=30),
                ledger.payouts_of(session=session, seller_id=user.id, limit=20),
                payout_account_summary(session=session, seller=user),
            )

        outcome = await self._call(books, error=None)
        if not outcome.ok or outcome.value is None:
            self.sales, self.balances, self.entries, self.payouts = [], [], [], []
            return
        self.sales, self.balances, self.entries, self.payouts, self.account = outcome.value

    @rx.event
    async def load(self):
        self.message = self.error = ""
        await self._fill()

    @rx.event
    async def refund(self, purchase_id: int):
        self.message = self.error = ""
        outcome = await self._call(
            lambda session, user: refund_purchase(
                session=session, actor=user, purchase_id=int(purchase_id)
            )
        )
        if not outcome.ok:
            return
        self.message = f"Order #{int(purchase_id)} refunded; its key is disabled."
        await self._fill()

    @rx.event
    async def request_payout(self, currency: str):
        self.message = self.error = ""
        outcome = await self._call(
            lambda session, user: request_payout_and_settle(
                session=session, seller=user, currency=currency
            )
        )
        if not outcome.ok:
            return
        self.message = f"Payout #{outcome.value} requested."
        await self._fill()

    @rx.event
    async def connect_payouts(self):
        self.message = self.error = ""
        # Onboarding asks the payment gateway for a link: in the worker thread.
        outcome = await self._call(
            lambda session, user: start_payout_onboarding(session=session, seller=user)
        )
        if outcome.ok:
            return go_to(outcome.value)
