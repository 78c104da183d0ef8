"""Clean untrusted markdown on every save, whichever code path wrote it (UI, importer, API).

A `before_flush` hook on every ORM session: new or changed rows of these tables get their
user-text columns through `clean_markdown` (nh3, code left alone) before they reach the database.
"""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.orm import Session

from vibecoder.domain.text_hygiene import clean_markdown
from vibecoder.models.catalog import Listing, ListingVersion, Review
from vibecoder.models.commerce import Notification
from vibecoder.models.moderation import ListingReport
from vibecoder.models.users import Profile

UNTRUSTED_MARKDOWN: dict[type, tuple[str, ...]] = {
    Listing: ("description",),
    ListingVersion: ("changelog",),
    Review: ("body", "seller_reply"),
    Profile: ("bio",),
    ListingReport: ("details", "resolution_note"),
    Notification: ("body",),
}


@event.listens_for(Session, "before_flush")
def _clean_untrusted_text(session: Session, flush_context, instances) -> None:
    for obj in (*session.new, *session.dirty):
        for name in UNTRUSTED_MARKDOWN.get(type(obj), ()):
            value = getattr(obj, name, None)
            if isinstance(value, str):
                cleaned = clean_markdown(value)
                if cleaned != value:
                    setattr(obj, name, cleaned)
