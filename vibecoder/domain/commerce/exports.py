"""CSV exports of a seller's sales and ledger, streamed row by row (never built in memory).

Cells that a spreadsheet would run as a formula (text starting with = + - @, tab or CR) are
prefixed with an apostrophe: listing titles and buyer names are other people's input.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from sqlalchemy import text

from vibecoder.errors import PermissionDenied
from vibecoder.infra.db import session_scope
from vibecoder.models.users import User

BATCH = 1000
SALES_HEADER = [
    "order_id",
    "paid_at_utc",
    "listing_slug",
    "listing_title",
    "buyer",
    "amount",
    "currency",
    "platform_fee",
    "status",
    "refunded_at_utc",
]
LEDGER_HEADER = [
    "entry_id",
    "created_at_utc",
    "kind",
    "amount",
    "currency",
    "balance",
    "description",
    "order_id",
    "payout_id",
]


def require_exporter(user: User | None) -> User:
    if user is None:
        raise PermissionDenied("signed_out", "Sign in to export your sales.")
    if user.role not in ("seller", "admin"):
        raise PermissionDenied("not_a_seller", "Only sellers have sales and a ledger to export.")
    return user


def _safe(value: str | None) -> str:
    value = value or ""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _money(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(int(cents)), 100)
    return f"{sign}{whole}.{part:02d}"


def _when(value) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value else ""


def _lines(header: list[str], rows: Iterator[list[str]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for count, row in enumerate(rows, 1):
        writer.writerow(row)
        if count % BATCH == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def sales_csv(*, seller_id: int) -> Iterator[str]:
    """The seller's paid, refunded and disputed orders, oldest first."""

    def rows() -> Iterator[list[str]]:
        with session_scope() as session:
            result = (
                session.connection()
                .execution_options(yield_per=BATCH)
                .execute(
                    text(
                        """
                    select p.id, coalesce(p.paid_at, p.created_at), l.slug, l.title, u.username,
                           p.amount_cents, p.currency, p.platform_fee_cents, p.status,
                           p.refunded_at
                    from purchases p
                    join listings l on l.id = p.listing_id
                    join users u on u.id = p.buyer_id
                    where l.seller_id = :s and p.status in ('paid', 'refunded', 'disputed')
                    order by p.id
                    """
                    ),
                    {"s": seller_id},
                )
            )
            for pid, paid, slug, title, buyer, amount, cur, fee, status, refunded in result:
                yield [
                    str(pid),
                    _when(paid),
                    _safe(slug),
                    _safe(title),
                    _safe(buyer),
                    _money(amount),
                    cur,
                    _money(fee),
                    status,
                    _when(refunded),
                ]

    return _lines(SALES_HEADER, rows())


def ledger_csv(*, seller_id: int) -> Iterator[str]:
    """Every ledger row, oldest first, with the running balance in its currency."""

    def rows() -> Iterator[list[str]]:
        with session_scope() as session:
            result = (
                session.connection()
                .execution_options(yield_per=BATCH)
                .execute(
                    text(
                        """
                    select id, created_at, kind, amount_cents, currency,
                           sum(amount_cents) over (partition by currency order by id),
                           description, purchase_id, payout_id
                    from ledger_entries where seller_id = :s order by id
                    """
                    ),
                    {"s": seller_id},
                )
            )
            for eid, at, kind, amount, cur, balance, desc, pid, payout in result:
                yield [
                    str(eid),
                    _when(at),
                    kind,
                    _money(amount),
                    cur,
                    _money(balance),
                    _safe(desc),
                    str(pid or ""),
                    str(payout or ""),
                ]

    return _lines(LEDGER_HEADER, rows())
