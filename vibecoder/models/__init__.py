"""SQLModel tables, one module per aggregate. Importing this package registers every table."""

# Registers the before-flush hook that strips HTML from untrusted text on every save.
from vibecoder.models import hygiene  # noqa: E402,F401
from vibecoder.models.analytics import (
    AnalyticsDaily,
    AnalyticsDailySource,
    AnalyticsEvent,
    AnalyticsRollupState,
)
from vibecoder.models.builder import BuilderMessage, BuilderProject, BuilderVersion
from vibecoder.models.catalog import (
    AiMetadata,
    Listing,
    ListingTechnology,
    ListingVersion,
    Review,
    Technology,
    VersionFile,
)
from vibecoder.models.commerce import (
    CheckoutAttempt,
    DownloadCount,
    LedgerEntry,
    License,
    LicenseActivation,
    Notification,
    Payout,
    ProcessedWebhookEvent,
    Purchase,
    SellerPayoutAccount,
)
from vibecoder.models.moderation import AdminAuditEntry, ListingHold, ListingReport
from vibecoder.models.remix import ListingLineage, ProjectLineage
from vibecoder.models.sandbox import SandboxRun
from vibecoder.models.users import AccountToken, ApiKey, Profile, User, UserSession
from vibecoder.models.variations import ListingVariation

__all__ = [
    "AdminAuditEntry",
    "AiMetadata",
    "AnalyticsDaily",
    "AnalyticsDailySource",
    "AnalyticsEvent",
    "AnalyticsRollupState",
    "AccountToken",
    "ApiKey",
    "BuilderMessage",
    "BuilderProject",
    "BuilderVersion",
    "CheckoutAttempt",
    "DownloadCount",
    "LedgerEntry",
    "License",
    "LicenseActivation",
    "Listing",
    "ListingHold",
    "ListingLineage",
    "ListingReport",
    "ListingTechnology",
    "ListingVariation",
    "ListingVersion",
    "Notification",
    "Payout",
    "ProcessedWebhookEvent",
    "Profile",
    "ProjectLineage",
    "Purchase",
    "Review",
    "SandboxRun",
    "SellerPayoutAccount",
    "Technology",
    "User",
    "UserSession",
    "VersionFile",
]
