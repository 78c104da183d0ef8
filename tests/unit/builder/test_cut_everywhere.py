"""Property: a real component cut at every position either recovers exactly or fails cleanly."""

from __future__ import annotations

import pytest

from vibecoder.builder import prompts
from vibecoder.builder.llm import Completion, Usage, collect
from vibecoder.builder.llm.scripted import ScriptedProvider
from vibecoder.builder.steps import run_step

PROMPT = "A storefront for a tea shop called Kettle House with products and a footer"
PLAN = ["Navbar", "Hero", "ProductGrid", "Footer"]


def _request(name):
    return prompts.step_request(PROMPT, name=name, purpose="x", plan_names=PLAN, interfaces={})


def _clean(name):
    provider = ScriptedProvider()
    return provider.answer(_request(name))[0]


def _run(name, position, finish):
    provider = ScriptedProvider()
    answer = _clean(name)

    def stream(request, on_chunk):
        if request.purpose == "step":
            return Completion(answer[:position], finish, Usage())
        return collect(provider, request, on_chunk)

    return run_step(
        stream, _request(name), prompt=PROMPT, name=name, plan_names=PLAN, emit=lambda k, d: None
    )


@pytest.mark.parametrize(("name", "stride"), [("ProductGrid", 1), ("Hero", 3), ("Footer", 3)])
def test_cut_at_every_position(name, stride):
    answer = _clean(name)
    expected = _run(name, len(answer), "stop").code
    assert expected
    failures = []
    for position in range(0, len(answer), stride):
        outcome = _run(name, position, "length" if position % 2 else "error")
        if outcome.ok:
            # Never a wrong component: recovery yields exactly the clean code.
            assert outcome.code == expected, position
            assert outcome.continuations <= 3
        else:
            assert outcome.error, position
            failures.append(position)
    # The scripted continuation quotes the tail, so everything should recover.
    assert not failures, failures[:20]
