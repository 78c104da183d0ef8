"""A local fake of the Stripe API at the HTTP boundary, plus Stripe-shaped event payloads.

stripe-python talks to it over real HTTP (STRIPE_API_BASE points here), so our gateway code is
exercised exactly as it would be against api.stripe.com: form-encoded nested parameters,
Bearer auth, Idempotency-Key replay and mismatch rules, Stripe's error envelope. It implements
the calls VibeCoder makes: Checkout Sessions, Connect accounts and account links, refunds,
subscription cancel, transfers. Objects follow the shapes of Stripe's API reference
(API version 2026-10-28, with the subscription period on its items and invoice.parent).
"""

from __future__ import annotations

import json
import re
import secrets
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlparse

API_VERSION = "2026-10-28.endive"


def _id(prefix: str) -> str:
    return f"{prefix}_test_{secrets.token_hex(12)}"


def parse_form(body: str) -> dict[str, Any]:
    """Stripe's form encoding (`a[b][0][c]=v`) back into nested dicts and lists."""
    root: dict[str, Any] = {}
    for raw_key, value in parse_qsl(body, keep_blank_values=True):
        parts = re.findall(r"[^\[\]]+", raw_key)
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return _listify(root)


def _listify(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    if node and all(key.isdigit() for key in node):
        return [_listify(node[key]) for key in sorted(node, key=int)]
    return {key: _listify(value) for key, value in node.items()}


@dataclass
class RecordedRequest:
    method: str
    path: str
    params: dict[str, Any]
    headers: dict[str, str]


class StripeError(Exception):
    def __init__(self, status: int, type_: str, message: str, code: str | None = None):
        super().__init__(message)
        self.status, self.type, self.message, self.code = status, type_, message, code

    def body(self) -> dict:
        error = {"type": self.type, "message": self.message}
        if self.code:
            error["code"] = self.code
        return {"error": error}


@dataclass
class FakeStripe:
    api_key: str = "sk_test_fake_" + secrets.token_hex(8)
    requests: list[RecordedRequest] = field(default_factory=list)
    sessions: dict[str, dict] = field(default_factory=dict)
    accounts: dict[str, dict] = field(default_factory=dict)
    payment_intents: dict[str, dict] = field(default_factory=dict)
    charges: dict[str, dict] = field(default_factory=dict)
    subscriptions: dict[str, dict] = field(default_factory=dict)
    refunds: dict[str, dict] = field(default_factory=dict)
    transfers: dict[str, dict] = field(default_factory=dict)
    fail_next: dict[str, StripeError] = field(default_factory=dict)
    # "POST /v1/transfers" -> n: do the next n such requests but never answer them (the
    # connection drops, as on a timeout): the caller cannot know whether they happened.
    drop_answers: dict[str, int] = field(default_factory=dict)
    # "POST /v1/transfers" -> (n, seconds): do the next n such requests but answer each only
    # after `seconds`, past the client's timeout: it gives up (and retries) first.
    delay_answers: dict[str, tuple[int, float]] = field(default_factory=dict)
    _idempotency: dict[tuple[str, str], tuple[str, str, dict, int, dict]] = field(
        default_factory=dict
    )
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    server: ThreadingHTTPServer | None = None

    # --- server lifecycle --------------------------------------------------------------------

    def start(self) -> str:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # keep test output clean
                return

            def _handle(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                url = urlparse(self.path)
                params = parse_form(body if method != "GET" else url.query)
                headers = {k.lower(): v for k, v in self.headers.items()}
                status, payload, extra = fake.dispatch(method, url.path, params, headers)
                if fake.take_drop(method, url.path):
                    self.close_connection = True
                    return
                delay = fake.take_delay(method, url.path)
                if delay:
                    time.sleep(delay)
                    self.close_connection = True
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.send_header("Request-Id", "req_" + secrets.token_hex(8))
                    for key, value in extra.items():
                        self.send_header(key, value)
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    if not delay:
                        raise
                    # The client gave up waiting and closed its end: the answer is lost.

            def do_GET(self) -> None:
                self._handle("GET")

            def do_POST(self) -> None:
                self._handle("POST")

            def do_DELETE(self) -> None:
                self._handle("DELETE")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    # --- request handling --------------------------------------------------------------------

    def take_drop(self, method: str, path: str) -> bool:
        with self._lock:
            left = self.drop_answers.get(f"{method} {path}", 0)
            if left:
                self.drop_answers[f"{method} {path}"] = left - 1
            return bool(left)

    def take_delay(self, method: str, path: str) -> float:
        with self._lock:
            left, seconds = self.delay_answers.get(f"{method} {path}", (0, 0.0))
            if left:
                self.delay_answers[f"{method} {path}"] = (left - 1, seconds)
            return seconds if left else 0.0

    def calls(self, method: str, path_prefix: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.method == method and r.path.startswith(path_prefix)]

    def dispatch(
        self, method: str, path: str, params: dict, headers: dict
    ) -> tuple[int, dict, dict]:
        with self._lock:
            self.requests.append(RecordedRequest(method, path, params, headers))
            if headers.get("authorization") != f"Bearer {self.api_key}":
                error = StripeError(401, "invalid_request_error", "Invalid API Key provided.")
                return error.status, error.body(), {}
            key = headers.get("idempotency-key")
            if method == "POST" and key:
                stored = self._idempotency.get((self.api_key, key))
                if stored is not None:
                    s_method, s_path, s_params, s_status, s_body = stored
                    if (s_method, s_path, s_params) != (method, path, params):
                        error = StripeError(
                            400,
                            "idempotency_error",
                            "Keys for idempotent requests can only be used with the same "
                            "parameters they were first used with.",
                        )
                        return error.status, error.body(), {}
                    return s_status, s_body, {"Idempotent-Replayed": "true"}
            try:
                failure = self.fail_next.pop(f"{method} {path}", None)
                if failure is not None:
                    raise failure
                status, body = 200, self.route(method, path, params)
            except StripeError as exc:
                status, body = exc.status, exc.body()
            if method == "POST" and key:
                self._idempotency[(self.api_key, key)] = (method, path, params, status, body)
            return status, body, {}

    def route(self, method: str, path: str, params: dict) -> dict:
        parts = path.strip("/").split("/")
        if parts[:3] == ["v1", "checkout", "sessions"]:
            if method == "POST" and len(parts) == 3:
                return self._create_session(params)
            if method == "GET" and len(parts) == 4:
                return self._get(self.sessions, parts[3])
        if parts[:2] == ["v1", "accounts"]:
            if method == "POST" and len(parts) == 2:
                return self._create_account(params)
            if method == "GET" and len(parts) == 3:
                return self._get(self.accounts, parts[2])
        if parts == ["v1", "account_links"] and method == "POST":
            return self._create_account_link(params)
        if parts == ["v1", "refunds"] and method == "POST":
            return self._create_refund(params)
        if parts[:2] == ["v1", "subscriptions"] and method == "DELETE" and len(parts) == 3:
            subscription = self._get(self.subscriptions, parts[2])
            subscription["status"] = "canceled"
            subscription["ended_at"] = int(time.time())
            return subscription
        if parts == ["v1", "transfers"] and method == "POST":
            return self._create_transfer(params)
        raise StripeError(404, "invalid_request_error", f"Unrecognized request URL ({path}).")

    @staticmethod
    def _get(store: dict, object_id: str) -> dict:
        if object_id not in store:
            raise StripeError(
                404, "invalid_request_error", f"No such object: '{object_id}'", "resource_missing"
            )
        return store[object_id]

    @staticmethod
    def _require(params: dict, *names: str) -> None:
        for name in names:
            if name not in params:
                raise StripeError(
                    400,
                    "invalid_request_error",
                    f"Missing required param: {name}.",
                    "parameter_missing",
                )

    def _create_session(self, params: dict) -> dict:
        self._require(params, "mode", "line_items", "success_url")
        now = int(time.time())
        expires_at = int(params.get("expires_at") or now + 86400)
        if not now + 1800 - 5 <= expires_at <= now + 86400:
            raise StripeError(
                400,
                "invalid_request_error",
                "The `expires_at` timestamp must be between 30 minutes and 24 hours from now.",
                "parameter_invalid_integer",
            )
        intent_data = params.get("payment_intent_data") or {}
        if "application_fee_amount" in intent_data and "transfer_data" not in intent_data:
            raise StripeError(
                400,
                "invalid_request_error",
                "Can only apply an application_fee_amount when the PaymentIntent is attempting "
                "a direct payment (using an OAuth key or Stripe-Account header) or "
                "destination payment (using `transfer_data[destination]`).",
            )
        items = params["line_items"]
        amount = sum(
            int(item["price_data"]["unit_amount"]) * int(item.get("quantity", 1)) for item in items
        )
        session_id = "cs_test_" + secrets.token_hex(16)
        session = {
            "id": session_id,
            "object": "checkout.session",
            "amount_subtotal": amount,
            "amount_total": amount,
            "cancel_url": params.get("cancel_url"),
            "client_reference_id": params.get("client_reference_id"),
            "created": now,
            "currency": items[0]["price_data"]["currency"],
            "customer": None,
            "customer_email": params.get("customer_email"),
            "expires_at": expires_at,
            "livemode": False,
            "metadata": params.get("metadata", {}),
            "mode": params["mode"],
            "payment_intent": None,
            "payment_status": "unpaid",
            "status": "open",
            "subscription": None,
            "success_url": params["success_url"],
            "url": f"https://checkout.stripe.com/c/pay/{session_id}",
            "_params": params,
        }
        self.sessions[session_id] = session
        return self._public(session)

    @staticmethod
    def _public(obj: dict) -> dict:
        return {k: v for k, v in obj.items() if not k.startswith("_")}

    def _create_account(self, params: dict) -> dict:
        account_id = "acct_" + secrets.token_hex(8)
        account = {
            "id": account_id,
            "object": "account",
            "type": params.get("type", "express"),
            "email": params.get("email"),
            "metadata": params.get("metadata", {}),
            "charges_enabled": False,
            "payouts_enabled": False,
            "details_submitted": False,
            "capabilities": {k: "inactive" for k in (params.get("capabilities") or {})},
            "requirements": {
                "currently_due": ["external_account", "tos_acceptance.date"],
                "disabled_reason": "requirements.past_due",
            },
        }
        self.accounts[account_id] = account
        return account

    def _create_account_link(self, params: dict) -> dict:
        self._require(params, "account", "type", "refresh_url", "return_url")
        self._get(self.accounts, params["account"])
        return {
            "object": "account_link",
            "created": int(time.time()),
            "expires_at": int(time.time()) + 300,
            "url": f"https://connect.stripe.com/setup/e/{params['account']}/{secrets.token_hex(8)}",
        }

    def _create_refund(self, params: dict) -> dict:
        intent = self._get(self.payment_intents, params.get("payment_intent", ""))
        if params.get("reverse_transfer") == "true" and not intent.get("transfer_data"):
            raise StripeError(
                400,
                "invalid_request_error",
                "You cannot reverse the transfer: this charge has no associated transfer.",
            )
        charge = self.charges[intent["latest_charge"]]
        amount = int(params.get("amount") or charge["amount"] - charge["amount_refunded"])
        if amount > charge["amount"] - charge["amount_refunded"]:
            raise StripeError(
                400,
                "invalid_request_error",
                f"Charge {charge['id']} has already been refunded.",
                "charge_already_refunded",
            )
        charge["amount_refunded"] += amount
        charge["refunded"] = charge["amount_refunded"] >= charge["amount"]
        refund = {
            "id": _id("re"),
            "object": "refund",
            "amount": amount,
            "charge": charge["id"],
            "currency": charge["currency"],
            "metadata": params.get("metadata", {}),
            "payment_intent": intent["id"],
            "status": "succeeded",
            "created": int(time.time()),
        }
        self.refunds[refund["id"]] = refund
        return refund

    def _create_transfer(self, params: dict) -> dict:
        self._require(params, "amount", "currency", "destination")
        account = self._get(self.accounts, params["destination"])
        if not account["payouts_enabled"]:
            raise StripeError(
                400,
                "invalid_request_error",
                "Your destination account needs to have at least one of the following "
                "capabilities enabled: transfers, crypto_transfers, legacy_payments",
                "insufficient_capabilities_for_transfer",
            )
        transfer = {
            "id": _id("tr"),
            "object": "transfer",
            "amount": int(params["amount"]),
            "currency": params["currency"],
            "destination": params["destination"],
            "description": params.get("description"),
            "created": int(time.time()),
        }
        self.transfers[transfer["id"]] = transfer
        return transfer

    # --- what happens on Stripe's side, for tests to trigger ----------------------------------

    def complete_session(self, session_id: str) -> dict:
        """The buyer pays on Stripe's page: a PaymentIntent and charge (or a subscription)."""
        with self._lock:
            session = self.sessions[session_id]
            params = session["_params"]
            now = int(time.time())
            session["status"] = "complete"
            session["payment_status"] = "paid"
            if session["mode"] == "payment":
                intent_data = params.get("payment_intent_data") or {}
                intent_id = _id("pi")
                charge_id = _id("ch")
                self.payment_intents[intent_id] = {
                    "id": intent_id,
                    "object": "payment_intent",
                    "amount": session["amount_total"],
                    "currency": session["currency"],
                    "latest_charge": charge_id,
                    "metadata": intent_data.get("metadata", {}),
                    "transfer_data": intent_data.get("transfer_data"),
                    "application_fee_amount": intent_data.get("application_fee_amount"),
                    "status": "succeeded",
                }
                self.charges[charge_id] = self._charge(
                    charge_id, intent_id, session["amount_total"], session["currency"], now
                )
                self.charges[charge_id]["metadata"] = intent_data.get("metadata", {})
                session["payment_intent"] = intent_id
            else:
                sub_data = params.get("subscription_data") or {}
                interval = params["line_items"][0]["price_data"]["recurring"]["interval"]
                subscription_id = _id("sub")
                period = 30 * 86400 if interval == "month" else 365 * 86400
                self.subscriptions[subscription_id] = {
                    "id": subscription_id,
                    "object": "subscription",
                    "status": "active",
                    "metadata": sub_data.get("metadata", {}),
                    "application_fee_percent": sub_data.get("application_fee_percent"),
                    "transfer_data": sub_data.get("transfer_data"),
                    "cancel_at_period_end": False,
                    "canceled_at": None,
                    "ended_at": None,
                    "created": now,
                    "currency": session["currency"],
                    "items": {
                        "object": "list",
                        "data": [
                            {
                                "id": _id("si"),
                                "object": "subscription_item",
                                "current_period_start": now,
                                "current_period_end": now + period,
                                "price": {
                                    "unit_amount": session["amount_total"],
                                    "recurring": {"interval": interval},
                                },
                                "quantity": 1,
                            }
                        ],
                    },
                    "_period": period,
                }
                session["subscription"] = subscription_id
            return self._public(session)

    @staticmethod
    def _charge(charge_id: str, intent_id: str, amount: int, currency: str, now: int) -> dict:
        return {
            "id": charge_id,
            "object": "charge",
            "amount": amount,
            "amount_captured": amount,
            "amount_refunded": 0,
            "captured": True,
            "created": now,
            "currency": currency,
            "disputed": False,
            "livemode": False,
            "metadata": {},
            "paid": True,
            "payment_intent": intent_id,
            "refunded": False,
            "status": "succeeded",
        }

    def renew_subscription(self, subscription_id: str, *, first: bool = False) -> dict:
        """An invoice for the subscription's current (or next) period, paid."""
        with self._lock:
            subscription = self.subscriptions[subscription_id]
            item = subscription["items"]["data"][0]
            if not first:
                item["current_period_start"] = item["current_period_end"]
                item["current_period_end"] += subscription["_period"]
            amount = item["price"]["unit_amount"]
            now = int(time.time())
            intent_id, charge_id = _id("pi"), _id("ch")
            self.payment_intents[intent_id] = {
                "id": intent_id,
                "object": "payment_intent",
                "amount": amount,
                "currency": subscription["currency"],
                "latest_charge": charge_id,
                "metadata": {},
                "transfer_data": subscription.get("transfer_data"),
                "status": "succeeded",
            }
            self.charges[charge_id] = self._charge(
                charge_id, intent_id, amount, subscription["currency"], now
            )
            return {
                "id": _id("in"),
                "object": "invoice",
                "amount_due": amount,
                "amount_paid": amount,
                "amount_remaining": 0,
                "billing_reason": "subscription_create" if first else "subscription_cycle",
                "currency": subscription["currency"],
                "customer": _id("cus"),
                "lines": {
                    "object": "list",
                    "data": [
                        {
                            "id": _id("il"),
                            "object": "line_item",
                            "amount": amount,
                            "currency": subscription["currency"],
                            "period": {
                                "start": item["current_period_start"],
                                "end": item["current_period_end"],
                            },
                        }
                    ],
                },
                "parent": {
                    "type": "subscription_details",
                    "subscription_details": {
                        "metadata": subscription["metadata"],
                        "subscription": subscription_id,
                    },
                },
                "payments": {
                    "object": "list",
                    "data": [
                        {
                            "object": "invoice_payment",
                            "payment": {"type": "payment_intent", "payment_intent": intent_id},
                            "status": "paid",
                        }
                    ],
                },
                "period_end": now,
                "period_start": now,
                "status": "paid",
            }

    def subscription_object(self, subscription_id: str) -> dict:
        return self._public(self.subscriptions[subscription_id])

    def refund_in_dashboard(self, intent_id: str, amount: int | None = None) -> dict:
        """A refund made outside VibeCoder (Dashboard): the charge object afterwards."""
        with self._lock:
            charge = self.charges[self.payment_intents[intent_id]["latest_charge"]]
            charge["amount_refunded"] += amount or charge["amount"] - charge["amount_refunded"]
            charge["refunded"] = charge["amount_refunded"] >= charge["amount"]
            return dict(charge)

    def dispute(self, intent_id: str, reason: str = "fraudulent") -> dict:
        charge = self.charges[self.payment_intents[intent_id]["latest_charge"]]
        return {
            "id": _id("dp"),
            "object": "dispute",
            "amount": charge["amount"],
            "charge": charge["id"],
            "currency": charge["currency"],
            "payment_intent": intent_id,
            "reason": reason,
            "status": "needs_response",
            "created": int(time.time()),
        }

    def enable_account(self, account_id: str) -> dict:
        with self._lock:
            account = self.accounts[account_id]
            account.update(charges_enabled=True, payouts_enabled=True, details_submitted=True)
            account["requirements"] = {"currently_due": [], "disabled_reason": None}
            account["capabilities"] = {k: "active" for k in account["capabilities"]}
            return dict(account)


def event(event_type: str, obj: dict, *, created: int | None = None, account: str | None = None):
    """A Stripe Event object wrapping `obj` (https://docs.stripe.com/api/events/object)."""
    payload = {
        "id": "evt_" + secrets.token_hex(12),
        "object": "event",
        "api_version": API_VERSION,
        "created": created or int(time.time()),
        "data": {"object": obj},
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": event_type,
    }
    if account:
        payload["account"] = account
    return payload
