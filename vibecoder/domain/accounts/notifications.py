"""In-app notifications (the navbar bell) and the emails that go with them.

`notify` writes a row once per (user, dedupe_key) and, after the transaction commits, hands
the email to a worker. Email goes out through SMTP when VIBECODER_SMTP_HOST is set; otherwise
each message is written as an .eml file to <data dir>/outbox, so a laptop can read its receipts.
"""

from __future__ import annotations

import smtplib
import ssl
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from pydantic import BaseModel
from sqlalchemy import event, func, or_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import object_session
from sqlmodel import Session, col, select

from vibecoder.domain import dates
from vibecoder.infra import dispatch
from vibecoder.infra.deferred import after_commit
from vibecoder.models.catalog import Listing, ListingVersion
from vibecoder.models.commerce import Notification, Purchase, PurchaseStatus
from vibecoder.models.users import User
from vibecoder.settings import get_settings


def notify(
    *,
    session: Session,
    user_id: int,
    kind: str,
    title: str,
    body: str,
    dedupe_key: str,
    link: str | None = None,
    email: bool = True,
) -> int | None:
    """Record a notice (once per dedupe_key); returns its id, or None when it already existed."""
    row = session.exec(
        insert(Notification)
        .values(
            user_id=user_id,
            kind=kind[:32],
            title=title[:200],
            body=body[:5000],
            link=link,
            dedupe_key=dedupe_key[:200],
            created_at=datetime.now(UTC),
        )
        .on_conflict_do_nothing(index_elements=["user_id", "dedupe_key"])
        .returning(Notification.id)
    ).first()
    if row is None:
        return None
    notification_id = int(row[0])
    if email:
        dispatch.send("workers.payments.send_notification_email", notification_id, session=session)
    return notification_id


class NotificationView(BaseModel):
    id: int
    title: str
    body: str
    link: str
    unread: bool
    date: str


def unread_count(*, session: Session, user_id: int) -> int:
    return session.exec(
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
    ).one()


def recent(*, session: Session, user_id: int, limit: int = 15) -> list[NotificationView]:
    tz = dates.zone_of(session, user_id)
    rows = session.exec(
        select(Notification)
        .where(Notification.user_id == user_id)
        .order_by(Notification.id.desc())
        .limit(limit)
    )
    return [
        NotificationView(
            id=row.id,
            title=row.title,
            body=row.body,
            link=row.link or "",
            unread=row.read_at is None,
            date=dates.local(row.created_at, tz, dates.SHORT),
        )
        for row in rows
    ]


def mark_all_read(*, session: Session, user_id: int) -> None:
    session.exec(
        update(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=datetime.now(UTC))
    )


# --- email -------------------------------------------------------------------------------------


def build_message(*, to: str, subject: str, body: str, link: str | None) -> EmailMessage:
    settings = get_settings()
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="vibecoder.local")
    text = body
    if link:
        text += f"\n\n{link if link.startswith('http') else settings.public_url + link}"
    message.set_content(text + "\n\n— VibeCoder\n")
    return message


def deliver(message: EmailMessage) -> str:
    """Send by SMTP, or write to the outbox; returns where it went."""
    settings = get_settings()
    if settings.smtp_host:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=20) as smtp:
            if settings.smtp_starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password or "")
            smtp.send_message(message)
        return f"smtp:{settings.smtp_host}"
    outbox: Path = settings.outbox_dir
    outbox.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    safe_id = "".join(c for c in str(message["Message-ID"]) if c.isalnum())[:40]
    path = outbox / f"{stamp}-{safe_id}.eml"
    path.write_bytes(bytes(message))
    return str(path)


def send_notification_email(*, session: Session, notification_id: int) -> str | None:
    """Email one notification once (a redelivered task finds emailed_at set and stops)."""
    row = session.exec(
        select(Notification).where(Notification.id == notification_id).with_for_update()
    ).first()
    if row is None or row.emailed_at is not None:
        return None
    user = session.get(User, row.user_id)
    if user is None:
        return None
    where = deliver(build_message(to=user.email, subject=row.title, body=row.body, link=row.link))
    row.emailed_at = datetime.now(UTC)
    session.add(row)
    return where


# --- new-version notices -------------------------------------------------------------------------


def notify_new_version(*, session: Session, version_id: int) -> int:
    """Tell every owner of the listing that a newer version is out (free update); once each."""
    version = session.get(ListingVersion, version_id)
    if version is None or not version.is_published or not version.is_latest:
        return 0
    listing = session.get(Listing, version.listing_id)
    if listing is None:
        return 0
    # Owners who got an older version: not those who bought this one (the notice can run late).
    query = select(Purchase.buyer_id).where(
        Purchase.listing_id == listing.id,
        Purchase.status == PurchaseStatus.paid,
        or_(Purchase.version_id.is_(None), Purchase.version_id != version.id),
    )
    if version.published_at is not None:
        query = query.where(col(Purchase.paid_at) < version.published_at)
    buyers = session.exec(query.distinct()).all()
    sent = 0
    for buyer_id in buyers:
        if notify(
            session=session,
            user_id=buyer_id,
            kind="new_version",
            title=f"{listing.title} {version.version} is out",
            body=(
                f"A new version of {listing.title} ({version.version}) is available in your "
                "library. Updates are free for buyers."
            ),
            link="/library",
            dedupe_key=f"version:{version.id}",
        ):
            sent += 1
    return sent


def _on_published(target: ListingVersion, value: bool, oldvalue, initiator) -> None:
    if value is not True or oldvalue is True:
        return
    session = object_session(target)
    if session is None:
        return

    def enqueue() -> None:
        # Read at commit: a version created and published in one transaction has its id by then.
        if target.id is not None:
            dispatch.send("workers.payments.notify_new_version", target.id)

    after_commit(session, enqueue)


def watch_version_publishing() -> None:
    """Queue new-version notices whenever a version becomes published (catalog owns publishing,
    commerce only reacts, so this listens to the ORM instead of editing the catalog)."""
    if not event.contains(ListingVersion.is_published, "set", _on_published):
        event.listen(ListingVersion.is_published, "set", _on_published)


# Every process that can fulfil or publish imports this module (fulfilment does), so the
# listener is in place wherever a version gets published.
watch_version_publishing()
