"""Creator reputation: one 0–100 score from ratings, sales, refunds and verified tests.

    rating_part   = 50 × (bayes_rating − 1) / 4
                    where bayes_rating = (3.5 × 5 + Σ ratings) / (5 + n_ratings)
    sales_part    = min(25, 10 × log10(1 + paid_sales))
    tests_part    = 15 × (listings whose latest tests pass) / (published listings)
    refund_part   = 10 × (1 − min(1, 4 × refund_rate)),  refund_rate = refunds / (paid + refunds)
    reputation    = round(rating_part + sales_part + tests_part + refund_part)

The Bayesian prior keeps one 5-star review from outranking fifty 4.8-star ones; a refund rate of
25 % or more removes the whole refund part. docs/reputation.md explains it to sellers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, select

from vibecoder.models.catalog import Listing, ListingStatus, Review
from vibecoder.models.commerce import Purchase, PurchaseStatus
from vibecoder.models.sandbox import SandboxRun

PRIOR_RATING = 3.5
PRIOR_WEIGHT = 5


@dataclass(frozen=True)
class ReputationInputs:
    rating_sum: int
    rating_count: int
    paid_sales: int
    refunds: int
    published_listings: int
    listings_with_passing_tests: int


def reputation_score(inputs: ReputationInputs) -> int:
    bayes = (PRIOR_RATING * PRIOR_WEIGHT + inputs.rating_sum) / (PRIOR_WEIGHT + inputs.rating_count)
    rating_part = 50 * (bayes - 1) / 4
    sales_part = min(25.0, 10 * math.log10(1 + inputs.paid_sales))
    tests_part = (
        15 * inputs.listings_with_passing_tests / inputs.published_listings
        if inputs.published_listings
        else 0.0
    )
    settled = inputs.paid_sales + inputs.refunds
    refund_rate = inputs.refunds / settled if settled else 0.0
    refund_part = 10 * (1 - min(1.0, 4 * refund_rate))
    return round(max(0.0, min(100.0, rating_part + sales_part + tests_part + refund_part)))


def reputation_inputs(*, session: Session, seller_id: int) -> ReputationInputs:
    rating_sum, rating_count = session.exec(
        select(func.coalesce(func.sum(Review.rating), 0), func.count(Review.id))
        .join(Listing, Listing.id == Review.listing_id)
        .where(Listing.seller_id == seller_id)
    ).one()
    sales = dict(
        session.exec(
            select(Purchase.status, func.count())
            .join(Listing, Listing.id == Purchase.listing_id)
            .where(Listing.seller_id == seller_id, Purchase.amount_cents > 0)
            .group_by(Purchase.status)
        ).all()
    )
    published = session.exec(
        select(func.count())
        .select_from(Listing)
        .where(Listing.seller_id == seller_id, Listing.status == ListingStatus.published)
    ).one()
    # A listing counts as verified when its most recent test run passed with no failures.
    latest_test = (
        select(
            SandboxRun.listing_id,
            SandboxRun.tests_failed,
            SandboxRun.tests_passed,
            func.row_number()
            .over(partition_by=SandboxRun.listing_id, order_by=SandboxRun.created_at.desc())
            .label("rank"),
        )
        .join(Listing, Listing.id == SandboxRun.listing_id)
        .where(
            Listing.seller_id == seller_id,
            Listing.status == ListingStatus.published,
            SandboxRun.kind == "test",
            # Publishing's verification runs only: a visitor's "Run tests" is not a badge.
            SandboxRun.user_id.is_(None),
            SandboxRun.starter_hash.is_(None),
            SandboxRun.status == "done",
        )
        .subquery()
    )
    passing = session.exec(
        select(func.count())
        .select_from(latest_test)
        .where(
            latest_test.c.rank == 1,
            latest_test.c.tests_failed == 0,
            latest_test.c.tests_passed > 0,
        )
    ).one()
    return ReputationInputs(
        rating_sum=int(rating_sum),
        rating_count=int(rating_count),
        paid_sales=int(sales.get(PurchaseStatus.paid, 0)),
        refunds=int(sales.get(PurchaseStatus.refunded, 0)),
        published_listings=int(published),
        listings_with_passing_tests=int(passing),
    )


def seller_reputation(*, session: Session, seller_id: int) -> int:
    return reputation_score(reputation_inputs(session=session, seller_id=seller_id))
