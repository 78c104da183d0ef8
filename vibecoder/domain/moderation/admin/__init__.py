"""The admin area: reports queue, takedowns, suspensions, refunds, metrics and the audit log.

Every function checks that the actor is (still) an admin itself; pages only decide what to
show. Every action needs a reason and writes exactly one audit row in the caller's transaction,
next to the change it describes, so the two are committed or rolled back together.
Validation happens before the first write: a refused action leaves nothing behind.

One module per admin tab (reports, listings, users, purchases, metrics, audit), the shared
guards in `guards`; this package is the admin console's API, so callers import it as
`from vibecoder.domain.moderation import admin`.
"""

from vibecoder.domain.moderation.admin.audit import AuditRow, audit_log
from vibecoder.domain.moderation.admin.guards import PAGE_SIZE, clean_reason, require_admin
from vibecoder.domain.moderation.admin.listings import (
    AdminListingRow,
    restore_listing,
    search_listings,
    take_down_listing,
)
from vibecoder.domain.moderation.admin.metrics import PlatformMetrics, platform_metrics
from vibecoder.domain.moderation.admin.purchases import (
    AdminPurchaseRow,
    refund_purchase,
    search_purchases,
)
from vibecoder.domain.moderation.admin.reports import (
    ReportRow,
    dismiss_report,
    list_reports,
    resolve_report,
)
from vibecoder.domain.moderation.admin.users import (
    AdminUserRow,
    restore_user,
    search_users,
    suspend_user,
)

__all__ = [
    "PAGE_SIZE",
    "AdminListingRow",
    "AdminPurchaseRow",
    "AdminUserRow",
    "AuditRow",
    "PlatformMetrics",
    "ReportRow",
    "audit_log",
    "clean_reason",
    "dismiss_report",
    "list_reports",
    "platform_metrics",
    "refund_purchase",
    "require_admin",
    "resolve_report",
    "restore_listing",
    "restore_user",
    "search_listings",
    "search_purchases",
    "search_users",
    "suspend_user",
    "take_down_listing",
]
