"""SQLModel tables, one module per aggregate. Importing this package registers every table."""

from vibecoder.models.analytics import AnalyticsEvent
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
from vibecoder.models.commerce import License, Purchase
from vibecoder.models.sandbox import SandboxRun
from vibecoder.models.users import ApiKey, Profile, User, UserSession

__all__ = [
    "AiMetadata",
    "AnalyticsEvent",
    "ApiKey",
    "BuilderMessage",
    "BuilderProject",
    "BuilderVersion",
    "License",
    "Listing",
    "ListingTechnology",
    "ListingVersion",
    "Profile",
    "Purchase",
    "Review",
    "SandboxRun",
    "Technology",
    "User",
    "UserSession",
    "VersionFile",
]
