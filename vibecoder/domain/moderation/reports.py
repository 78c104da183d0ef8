"""What any signed-in user can do about a bad listing (report it), and what a removed one says.

The admin side (the queue, takedowns, suspensions) lives in services.admin.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from vibecoder.domain.catalog import listings as catalog
from vibecoder.domain.plain_text import require_plain_text
from vibecoder.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from vibecoder.models.catalog import Listing, ListingStatus
from vibecoder.models.moderation import ListingReport, ReportCategory, ReportStatus
from vibecoder.models.users import User

CATEGORY_LABELS: dict[str, str] = {
    ReportCategory.spam: "Spam or scam",
    ReportCategory.malware: "Malware or dangerous code",
    ReportCategory.copyright: "Copied or infringing code",
    ReportCategory.misleading: "Misleading description",
    ReportCategory.offensive: "Offensive content",
    ReportCategory.other: "Something else",
}
MAX_DETAILS = 2000


def report_listing(
    *, session: Session, reporter: User | None, listing_id: int, category: str, details: str = ""
) -> ListingReport:
    """File a report; a second open report by the same user on the same listing is refused."""
    require_plain_text(details=details or "", multiline={"details"})
    if reporter is None:
        raise PermissionDenied("sign_in_required", "Sign in to report a listing.")
    if reporter.is_suspended:
        raise PermissionDenied("account_suspended", "This account is suspended.")
    listing = session.get(Listing, listing_id)
    # Only what the reporter can see can be reported; anything else looks missing.
    if listing is None or not catalog.can_view(session, reporter, listing):
        raise NotFound("listing_not_found", "This listing does not exist or is not available.")
    if listing.seller_id == reporter.id:
        raise Conflict("own_listing", "You cannot report your own listing.")
    if category not in CATEGORY_LABELS:
        raise ValidationFailed(
            "invalid_category", "Choose what is wrong with this listing.", field="category"
        )
    details = (details or "").strip()
    if len(details) > MAX_DETAILS:
        raise ValidationFailed(
            "details_too_long", f"Keep it under {MAX_DETAILS:,} characters.", field="details"
        )
    if category == ReportCategory.other and len(details) < 10:
        raise ValidationFailed(
            "details_required",
            "Tell us what is wrong (at least 10 characters).",
            field="details",
        )
    duplicate = Conflict(
        "already_reported",
        "You have already reported this listing. An admin will review your report.",
    )
    if session.exec(
        select(ListingReport.id).where(
            ListingReport.listing_id == listing.id,
            ListingReport.reporter_id == reporter.id,
            ListingReport.status == ReportStatus.open,
        )
    ).first():
        raise duplicate
    report = ListingReport(
        listing_id=listing.id, reporter_id=reporter.id, category=category, details=details
    )
    try:
        # A savepoint: losing a race on the unique index must not poison the caller's session.
        with session.begin_nested():
            session.add(report)
    except IntegrityError as exc:
        raise duplicate from exc
    return report


def removed_notice(*, session: Session, slug: str, viewer: User | None) -> str:
    """What the page of a listing hidden by moderation tells people who cannot open it.

    Only listings that were once public get a notice; drafts stay indistinguishable from
    missing slugs. Buyers are told their purchase is still in their library.
    """
    listing = session.exec(select(Listing).where(Listing.slug == slug)).first()
    if (
        listing is None
        or listing.status != ListingStatus.taken_down
        or listing.published_at is None
    ):
        return ""
    notice = f"“{listing.title}” has been removed from VibeCoder and is no longer available."
    if catalog.has_purchased(session, viewer, listing):
        notice += " You bought it: your downloads and license stay in your library."
    return notice
