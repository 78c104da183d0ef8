"""The metered model caller: every model call of a run goes through here.

It refuses a call once the run's token budget is spent, stops a stream that would overrun it,
renews the project lock and checks the cancel flag on every chunk, adds the call's usage to the
run state and announces it as a `usage` event.
"""

from __future__ import annotations

from collections.abc import Callable

import redis

from vibecoder.builder.llm import (
    FINISH_CANCELLED,
    Completion,
    Provider,
    Request,
    collect,
    make_provider,
)
from vibecoder.builder.run.state import CallRecord, RunState
from vibecoder.builder.runtime import EventStream, ProjectLock, cancel_requested
from vibecoder.builder.steps import StepCancelled
from vibecoder.infra import ratelimit
from vibecoder.infra.metrics import BUILDER_TOKENS
from vibecoder.settings import get_settings


class BudgetExceeded(Exception):
    pass


def _daily_limit() -> str:
    return f"{get_settings().builder_daily_tokens_per_user}/day"


def daily_tokens_left(owner_id: int) -> int:
    """What the account may still spend today across all its runs (a fixed UTC-day window)."""
    return ratelimit.quota_left("builder-tokens", str(owner_id), limit=_daily_limit())


def spend_daily_tokens(owner_id: int, tokens: int) -> None:
    ratelimit.spend_quota("builder-tokens", str(owner_id), limit=_daily_limit(), amount=tokens)


class MeteredCaller:
    """`caller(request, on_chunk)` → Completion, charged to `state`."""

    def __init__(
        self, client: redis.Redis, state: RunState, lock: ProjectLock, events: EventStream
    ):
        self.client, self.state, self.lock, self.events = client, state, lock, events
        self.provider: Provider = make_provider(state.provider)
        state.model = self.provider.model
        self.cancelled = False  # the user asked to stop; steps check it between chunks
        self._over_budget = False

    def __call__(
        self, request: Request, on_chunk: Callable[[str], bool | None] | None = None
    ) -> Completion:
        state = self.state
        used = state.tokens
        if used >= state.budget:
            raise BudgetExceeded(
                f"the run's token budget ({state.budget}) is spent ({used} tokens used)"
            )
        if state.owner_id and daily_tokens_left(state.owner_id) <= 0:
            raise BudgetExceeded("your daily builder token quota is spent; it renews at 00:00 UTC")
        streamed = [0]

        def guard(text: str) -> bool:
            streamed[0] += len(text)
            self.lock.renew()
            if cancel_requested(self.client, state.run_id):
                self.cancelled = True
                return False
            if used + streamed[0] // 4 > state.budget:
                self._over_budget = True
                return False
            return on_chunk is None or on_chunk(text) is not False

        completion = collect(self.provider, request, guard)
        state.tokens_in += completion.usage.input_tokens
        state.tokens_out += completion.usage.output_tokens
        BUILDER_TOKENS.labels("input").inc(completion.usage.input_tokens)
        BUILDER_TOKENS.labels("output").inc(completion.usage.output_tokens)
        if state.owner_id:
            spend_daily_tokens(
                state.owner_id, completion.usage.input_tokens + completion.usage.output_tokens
            )
        call = CallRecord(
            purpose=request.purpose,
            finish_reason=completion.finish_reason,
            tokens_in=completion.usage.input_tokens,
            tokens_out=completion.usage.output_tokens,
        )
        state.calls.append(call)
        self.events.emit("usage", call.model_dump(), run_id=state.run_id)
        if completion.finish_reason == FINISH_CANCELLED and self._over_budget:
            self._over_budget = False
            raise BudgetExceeded(
                f"the run's token budget ({state.budget}) ran out during a model call"
            )
        if completion.finish_reason == FINISH_CANCELLED and self.cancelled:
            raise StepCancelled("cancelled")
        return completion
