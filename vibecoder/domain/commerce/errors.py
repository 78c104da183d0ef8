"""Commerce errors shared by checkout, event handling, refunds and payouts."""

from __future__ import annotations

from vibecoder.domain.errors import ServiceError


class NotReady(Exception):
    """The event depends on an earlier one that is not applied yet; try again shortly."""


class PaymentUnavailable(ServiceError):
    status_code = 502
