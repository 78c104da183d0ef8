"""Screenshot covers of web listings, on the `agent` queue (its workers run the builder's
sandboxed Chromium already).

Idempotent: the task renders whatever is the listing's latest version when it runs and
applies the image only if that version is still the latest and the seller has not uploaded a
cover (covers.apply_screenshot re-checks under a row lock). A render that fails, times out or
shows nothing is logged and leaves the previous cover as it was.
"""

from __future__ import annotations

import logging

from celery.exceptions import SoftTimeLimitExceeded
from sqlalchemy.exc import OperationalError

from vibecoder.builder.screenshot import ToolUnavailable, capture
from vibecoder.domain.catalog import covers, live_demo
from vibecoder.errors import ValidationFailed
from vibecoder.infra.db import session_scope
from workers.celery_app import app

log = logging.getLogger(__name__)


@app.task(
    name="workers.covers.render_cover",
    acks_late=True,
    ignore_result=True,
    autoretry_for=(OperationalError,),
    retry_backoff=2,
    retry_backoff_max=60,
    max_retries=3,
    soft_time_limit=60,
    time_limit=90,
)
def render_cover(version_id: int) -> str:
    with session_scope() as session:
        site = live_demo.site_of(session=session, version_id=version_id)
    if site is None:
        return "nothing_to_render"
    try:
        shot = capture(site.files, site.entry)
    except (ToolUnavailable, SoftTimeLimitExceeded) as exc:
        log.warning("cover of version %s not rendered: %s", version_id, exc)
        return "renderer_unavailable"
    if not shot.ok:
        log.warning("cover of version %s not rendered: %s", version_id, shot.error)
        return "render_failed"
    try:
        with session_scope() as session:
            outcome = covers.apply_screenshot(
                session=session, version_id=version_id, image=shot.png
            )
    except ValidationFailed as exc:  # Pillow refused what Chromium wrote: keep the old cover
        log.warning("cover of version %s not stored: %s", version_id, exc.message)
        return "invalid_image"
    log.info("cover of version %s: %s (%.1f s)", version_id, outcome, shot.seconds)
    return outcome
