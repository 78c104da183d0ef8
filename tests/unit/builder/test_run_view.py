"""What the chat shows from a run's events: prose streams, code never does, one message per step,
toasts only for live events (a replay after a reload adds none)."""

from __future__ import annotations

from vibecoder.builder.llm.scripted import ScriptedProvider
from vibecoder.state.build_events import RunView


def _tokens(text: str, ts: float, size: int = 24) -> list[dict]:
    return [
        {"type": "token", "text": text[i : i + size], "ts": ts} for i in range(0, len(text), size)
    ]


ANSWER = ScriptedProvider().full_answer(
    "Project request: A landing page for Ember\nPlan: Hero\n", "Hero", None
)


def _step_events(ts: float) -> list[dict]:
    return [
        {"type": "step_started", "index": 0, "component": "Hero", "ts": ts},
        *_tokens(ANSWER, ts),
        {"type": "continuation", "component": "Hero", "attempt": 1, "ts": ts},
        {"type": "validating", "index": 0, "component": "Hero", "ts": ts},
        {"type": "version_created", "component": "Hero", "number": 3, "ts": ts},
        {"type": "step_done", "index": 0, "component": "Hero", "ts": ts},
    ]


def test_prose_streams_but_code_does_not():
    view = RunView("r1", live_since=0)
    view.apply({"type": "step_started", "index": 0, "component": "Hero", "ts": 1})
    cut = ANSWER.index("export default")
    for event in _tokens(ANSWER[: cut + 200], 1):
        view.apply(event)
    text = view.text()
    assert text.startswith("Here is the Hero component.")
    assert "Writing **Hero**" in text and "lines of code" in text
    assert "export default" not in text and "className" not in text
    assert view.live[0] == "streaming"


def test_live_step_gives_states_toasts_and_one_message():
    view = RunView("r1", live_since=0)
    states = []
    for event in _step_events(5):
        view.apply(event)
        states.append(view.live.get(0))
    assert list(dict.fromkeys(states)) == ["streaming", "recovering", "validating", "done"]
    assert view.take_toasts() == [
        ("info", "Auto-fixing truncated code (attempt 1/3)…"),
        ("success", "Code recovered"),
    ]
    assert view.take_messages() == ["Here is the Hero component.\n\nHero ready (version 3)"]
    assert view.take_messages() == [] and view.text() == ""
    view.apply({"type": "error", "message": "step 2 (Footer) failed: boom", "ts": 6})
    view.apply({"type": "done", "status": "failed", "ts": 6})
    assert view.finished and view.take_toasts() == [("step_failed", "step 2 (Footer) failed: boom")]


def test_replay_rebuilds_state_without_toasts_or_messages():
    view = RunView("r1", live_since=10)
    for event in _step_events(5):
        view.apply(event)
    assert view.live[0] == "done" and view.latest_number == 3
    assert view.take_toasts() == [] and view.take_messages() == []


def test_a_retry_after_a_failed_done_keeps_the_run_going():
    view = RunView("r1", live_since=10)
    view.apply({"type": "error", "message": "step 1 (Hero) failed: cut", "ts": 5})
    view.apply({"type": "done", "status": "failed", "ts": 5})
    assert view.finished
    view.apply({"type": "step_retry", "index": 0, "component": "Hero", "ts": 11})
    assert not view.finished and view.error == ""
