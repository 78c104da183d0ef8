"""Verify → fix: the shadow test of a step's candidate, and the bounded FIX loop after it.

`verify_and_fix` is the one place that decides what a failed verification leads to; `fixable`
is the single rule for whether a failure goes back to the model as a FIX at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from vibecoder.builder import prompts, shadow
from vibecoder.builder.run.state import RunState, StepState
from vibecoder.builder.steps import (
    MAX_CONTINUATIONS,
    StepOutcome,
    Stream,
    check_component,
    run_step,
)
from vibecoder.settings import get_settings

MAX_FIXES_PER_STEP = 2
Emit = Callable[[str, dict], None]


@dataclass
class Verified:
    """A step's end: `code` passed when `error` is empty (and `verdict` holds its bundle)."""

    code: str
    error: str
    verdict: shadow.ShadowResult | None


def fixable(verdict: shadow.ShadowResult) -> bool:
    """Whether a failed verification goes back to the model as a FIX (today: every failure)."""
    return not verdict.ok


def validate(state: RunState, name: str, code: str) -> shadow.ShadowResult:
    """Standalone check, then the whole app as it would be with this component applied."""
    problem = check_component(code, name)
    if problem:
        return shadow.ShadowResult(ok=False, stage="component", error=problem, kind="component")
    components = {**state.base_components, **state.components, name: code}
    order = [n for n in state.order if n in components]
    for n in state.base_components:
        if n not in order:
            order.append(n)
    files = shadow.assemble(components, order, title=state.title)
    return shadow.validate(files, title=state.title, render=state.render)


def verify_and_fix(
    call: Stream,
    state: RunState,
    step: StepState,
    outcome: StepOutcome,
    *,
    emit: Emit,
    should_stop: Callable[[], bool],
) -> Verified:
    """Shadow-test the step's answer; on failure, at most MAX_FIXES_PER_STEP FIX calls.

    Each FIX repairs the step's own candidate with the latest error; a fix's output is never
    itself sent back as the code to fix. The same error coming back ends the loop early.
    """
    name = step.name
    code, error = outcome.code, outcome.error
    if not outcome.ok and outcome.continuations >= MAX_CONTINUATIONS:
        return Verified(code, error, None)  # recovery gave up: nothing whole to fix
    verdict: shadow.ShadowResult | None = None
    if outcome.ok:
        emit("validating", {"component": name})
        verdict = validate(state, name, code)
        error = "" if verdict.ok else verdict.error
        last = verdict
    else:
        last = _standalone_failure(error)
    _record(emit, step, name, last)
    errors_seen = [error] if error else []
    candidate = code or outcome.raw
    while error and step.fixes < MAX_FIXES_PER_STEP and fixable(last):
        step.fixes += 1
        emit("fix_started", {"component": name, "attempt": step.fixes, "error": error})
        request = prompts.fix_request(
            state.prompt,
            name=name,
            code=candidate,
            error=error,
            plan_names=state.order,
            max_tokens=get_settings().builder_step_max_tokens,
        )
        before = state.tokens
        fixed = run_step(
            call,
            request,
            prompt=state.prompt,
            name=name,
            plan_names=state.order,
            emit=emit,
            should_stop=should_stop,
        )
        state.fix_tokens += state.tokens - before
        step.continuations += fixed.continuations
        if not fixed.ok:
            new_error = fixed.error
            last = _standalone_failure(new_error)
        else:
            emit("validating", {"component": name})
            verdict = validate(state, name, fixed.code)
            last = verdict
            new_error = "" if verdict.ok else verdict.error
            code = fixed.code
        _record(emit, step, name, last)
        if new_error and _same_error(new_error, errors_seen):
            error = f"the same error came back after a fix: {new_error}"
            break
        errors_seen.append(new_error)
        error = new_error
    return Verified(code, error, verdict)


def _same_error(error: str, seen: list[str]) -> bool:
    def norm(text: str) -> str:
        return re.sub(r"\d+", "#", text.split(" (", 1)[0])[:200]

    return any(norm(error) == norm(old) for old in seen if old)


def _standalone_failure(error: str) -> shadow.ShadowResult:
    """A component that failed its own checks (syntax scan, imports, size) before bundling."""
    return shadow.ShadowResult(ok=False, stage="component", error=error, kind="component")


def _record(emit: Emit, step: StepState, name: str, verdict: shadow.ShadowResult) -> None:
    step.validations.append(verdict.as_dict())
    kind = "validation_passed" if verdict.ok else "validation_failed"
    emit(kind, {"component": name, **verdict.as_dict()})
