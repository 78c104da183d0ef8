"""/sell/payouts: a seller's sales (with refunds), balance, ledger and payouts."""

from __future__ import annotations

import reflex as rx

from vibecoder.domain.commerce import ledger
from vibecoder.domain.commerce.ledger import Balance, LedgerRow, PayoutRow
from vibecoder.domain.commerce.payouts import start_payout_onboarding
from vibecoder.domain.commerce.refunds import refund_purchase
from vibecoder.domain.commerce.sales import SaleRow, seller_sales
from vibecoder.domain.errors import ServiceError
from vibecoder.infra import dispatch
from vibecoder.infra.db import session_scope
from vibecoder.models.commerce import SellerPayoutAccount
from vibecoder.state.auth import AuthState
from vibecoder.state.purchase import go_to


class SellerSalesState(AuthState):
    sales: list[SaleRow] = []
    balances: list[Balance] = []
    entries: list[LedgerRow] = []
    payouts: list[PayoutRow] = []
    account: str = ""  # a sentence on where payouts go
    message: str = ""
    error: str = ""

    def _fill(self) -> None:
        user = self.refreshed_user()
        if user is None or user.role not in ("seller", "admin"):
            self.sales, self.balances, self.entries, self.payouts = [], [], [], []
            return
        with session_scope() as session:
            self.sales = seller_sales(session=session, seller=user, limit=50)
            self.balances = ledger.balances(session=session, seller_id=user.id)
            self.entries = ledger.entries(session=session, seller_id=user.id, limit=30)
            self.payouts = ledger.payouts_of(session=session, seller_id=user.id, limit=20)
            account = session.get(SellerPayoutAccount, user.id)
            if account is None:
                self.account = "No payout account connected yet."
            elif account.payouts_enabled:
                self.account = f"Payouts go to {account.gateway} account {account.account_ref}."
            else:
                self.account = (
                    f"{account.gateway} account {account.account_ref} cannot receive payouts yet"
                    + (f" ({account.disabled_reason})." if account.disabled_reason else ".")
                )

    @rx.event
    def load(self):
        self.message = self.error = ""
        self._fill()

    @rx.event
    def refund(self, purchase_id: int):
        self.message = self.error = ""
        user = self.current_user()
        if user is None:
            return
        try:
            with session_scope() as session:
                refund_purchase(session=session, actor=user, purchase_id=int(purchase_id))
        except ServiceError as exc:
            self.error = exc.message
            return
        self.message = f"Order #{int(purchase_id)} refunded; its key is disabled."
        self._fill()

    @rx.event
    def request_payout(self, currency: str):
        self.message = self.error = ""
        user = self.current_user()
        if user is None:
            return
        try:
            with session_scope() as session:
                request = ledger.request_payout(session=session, seller=user, currency=currency)
                dispatch.send("workers.payments.settle_payout", request.payout_id, session=session)
        except ServiceError as exc:
            self.error = exc.message
            return
        self.message = f"Payout #{request.payout_id} requested."
        self._fill()

    @rx.event
    def connect_payouts(self):
        self.message = self.error = ""
        user = self.current_user()
        if user is None:
            return
        try:
            with session_scope() as session:
                url = start_payout_onboarding(session=session, seller=user)
        except ServiceError as exc:
            self.error = exc.message
            return
        return go_to(url)
