"""Whole builder runs through the real OpenAI and Anthropic SDKs against the local SSE server.

The server answers with what the scripted model would say to each request (found from the
system prompt), so the run exercises the protocol over the wire: streamed chunks, finish
reason `length`/`max_tokens` on a cut step, a connection dropped mid-stream, usage reporting.
"""

from __future__ import annotations

import pytest

from tests.fakes.llm_server import LLMServer, Reply
from vibecoder.builder import engine, prompts
from vibecoder.builder.llm import FINISH_ERROR, FINISH_LENGTH, Message, ProviderConfig, Request
from vibecoder.builder.llm.scripted import ScriptedProvider
from vibecoder.builder.service import projects as builder_projects

PURPOSES = {
    prompts.INTENT_SYSTEM: "intent",
    prompts.PLAN_SYSTEM: "plan",
    prompts.STEP_SYSTEM: "step",
    prompts.CONTINUE_SYSTEM: "continue",
    prompts.FIX_SYSTEM: "fix",
    prompts.ANSWER_SYSTEM: "answer",
}


def scripted_server(faults: str) -> LLMServer:
    model = ScriptedProvider(faults=faults)

    def respond(path: str, body: dict) -> Reply:
        if path.endswith("/messages"):
            system, messages = body["system"], body["messages"]
        else:
            system, messages = body["messages"][0]["content"], body["messages"][1:]
        request = Request(
            system,
            tuple(Message(m["role"], m["content"]) for m in messages),
            purpose=PURPOSES[system],
        )
        text, finish = model.answer(request)
        if finish == FINISH_ERROR:
            return Reply(text + "\n(never sent)", disconnect_after=len(text), chunk_chars=20)
        return Reply(text, finish="length" if finish == FINISH_LENGTH else "stop", chunk_chars=20)

    return LLMServer(responder=respond).start()


@pytest.mark.parametrize("provider", ["openai-compatible", "anthropic"])
def test_run_over_the_wire(db, redis_client, monkeypatch, provider):
    server = scripted_server("Hero=cut:0.5,ProductGrid=drop:0.4,Footer=bad_import")
    from vibecoder.settings import get_settings

    if provider == "anthropic":
        monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test")
        base_url = server.url
    else:
        base_url = server.url + "/v1"
    get_settings.cache_clear()
    try:
        owner = builder_projects.cli_owner(db)
        project = builder_projects.create_project(
            session=db, owner_id=owner.id, name="wire", provider=provider
        )
        db.commit()
        state = engine.start_run(
            redis_client,
            project_id=project.id,
            prompt="A full landing page for a coffee roaster called Ember with products",
            provider=ProviderConfig(provider, model="test-model", base_url=base_url),
            auto_approve=True,
            render=False,
        )
        state = engine.run_inline(redis_client, state.run_id)
    finally:
        server.stop()
        get_settings.cache_clear()
    assert state.status == "done", state.error
    steps = {s.name: s for s in state.steps}
    assert steps["Hero"].continuations == 1 and steps["ProductGrid"].continuations == 1
    assert steps["Footer"].fixes == 1
    finishes = [c.finish_reason for c in state.calls]
    assert "length" in finishes and "error" in finishes
    # Usage comes from the server's reports (or estimates after the dropped connection).
    assert all(c.tokens_in > 0 for c in state.calls)
    assert state.model == "test-model"
    # Continuations were plain user messages: no assistant prefill on the wire.
    for request in server.requests:
        assert request["body"]["messages"][-1]["role"] == "user"
