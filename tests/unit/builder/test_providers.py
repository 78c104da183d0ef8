"""The Anthropic and OpenAI providers through their real SDKs against a local SSE server."""

from __future__ import annotations

import pytest

from tests.fakes.llm_server import LLMServer, Reply
from vibecoder.builder.llm import Message, Request, collect
from vibecoder.builder.llm.anthropic_provider import AnthropicProvider
from vibecoder.builder.llm.openai_provider import OpenAIProvider

ANSWER = (
    "/// COMPONENT_START: Hero ///\nexport default function Hero() {\n  return <h1>Hi</h1>;\n}\n"
)
REQUEST = Request("system words", (Message("user", "Write the component: Hero"),), max_tokens=300)


@pytest.fixture
def server():
    fake = LLMServer().start()
    yield fake
    fake.stop()


def providers(server: LLMServer):
    return {
        "openai": OpenAIProvider(api_key="sk-test", model="gpt-test", base_url=server.url + "/v1"),
        "compatible": OpenAIProvider(
            api_key=None, model="llama3", base_url=server.url + "/v1", name="openai-compatible"
        ),
        "anthropic": AnthropicProvider(
            api_key="sk-ant-test", model="claude-test", base_url=server.url
        ),
    }


@pytest.mark.parametrize("which", ["openai", "compatible", "anthropic"])
def test_stream_text_finish_and_usage(server, which):
    server.queue(Reply(ANSWER, input_tokens=42, output_tokens=30))
    chunks = []
    result = collect(providers(server)[which], REQUEST, on_chunk=chunks.append)
    assert result.text == ANSWER
    assert len(chunks) > 3 and "".join(chunks) == ANSWER
    assert result.finish_reason == "stop"
    assert (result.usage.input_tokens, result.usage.output_tokens) == (42, 30)
    sent = server.requests[-1]["body"]
    assert sent["stream"] is True and sent["max_tokens"] == 300
    # No assistant prefill: the last message we send is always the user's.
    assert sent["messages"][-1]["role"] == "user"
    if which == "anthropic":
        assert sent["system"] == "system words"
        headers = server.requests[-1]["headers"]
        assert "sk-ant-test" in (headers.get("x-api-key"), headers.get("authorization", "")[7:])
    else:
        assert sent["messages"][0] == {"role": "system", "content": "system words"}


@pytest.mark.parametrize("which", ["openai", "anthropic"])
def test_length_finish_reason(server, which):
    server.queue(Reply(ANSWER[:40], finish="length"))
    result = collect(providers(server)[which], REQUEST)
    assert result.finish_reason == "length"
    assert result.text == ANSWER[:40]


@pytest.mark.parametrize("which", ["openai", "compatible", "anthropic"])
def test_mid_stream_disconnect_keeps_partial_text(server, which):
    server.queue(Reply(ANSWER, disconnect_after=48, chunk_chars=16))
    result = collect(providers(server)[which], REQUEST)
    assert result.finish_reason == "error"
    assert result.text == ANSWER[:48]
    assert result.usage.output_tokens > 0  # estimated when the stream broke before usage


def test_openai_compatible_server_without_usage_is_estimated(server):
    server.queue(Reply(ANSWER, include_usage=False))
    result = collect(providers(server)["compatible"], REQUEST)
    assert result.finish_reason == "stop"
    assert result.usage.output_tokens == len(ANSWER) // 4


@pytest.mark.parametrize("which", ["openai", "anthropic"])
def test_http_error_is_a_finish_not_an_exception(server, which):
    server.queue(Reply(status=400))
    result = collect(providers(server)[which], REQUEST)
    assert result.finish_reason == "error" and "400" in result.error
    assert result.text == ""


def test_cancel_stops_reading(server):
    server.queue(Reply(ANSWER * 20, chunk_chars=8))
    seen = []

    def on_chunk(text):
        seen.append(text)
        return len(seen) < 5

    result = collect(providers(server)["openai"], REQUEST, on_chunk=on_chunk)
    assert result.finish_reason == "cancelled"
    assert len(seen) == 5


def test_structured_output_openai_json_schema_and_the_text_fallback():
    """Intent and plan ask for OpenAI `response_format` json_schema; a compatible server that
    rejects it (400) gets the same request without it, and the text answer is parsed."""
    from vibecoder.builder.intent import classify_intent
    from vibecoder.builder.planning import make_plan

    server = LLMServer().start()
    try:
        provider = OpenAIProvider(api_key="k", model="m", base_url=server.url + "/v1")
        server.queue(Reply('{"intent": "BUILD", "reason": "wants a page"}'))
        intent = classify_intent(lambda r: collect(provider, r), "a tea page", has_project=False)
        assert (intent.kind, intent.source) == ("BUILD", "model")
        fmt = server.requests[-1]["body"]["response_format"]
        assert fmt["type"] == "json_schema" and fmt["json_schema"]["strict"] is True
        schema = fmt["json_schema"]["schema"]
        assert schema["properties"]["intent"]["enum"] == [
            "BUILD",
            "MODIFY",
            "QUESTION",
            "FIX",
            "REFUSE",
        ]
        assert schema["additionalProperties"] is False

        server.requests.clear()
        server.replies[:] = [
            Reply(status=400),
            Reply('Plan:\n```json\n{"components": [{"name": "Hero", "purpose": "Top"}]}\n```'),
        ]
        plan = make_plan(lambda r: collect(provider, r), "a tea page")
        assert [i.name for i in plan.items] == ["Hero"]
        assert "response_format" in server.requests[0]["body"]
        assert "response_format" not in server.requests[1]["body"]
    finally:
        server.stop()


def test_structured_output_anthropic_forced_tool():
    from vibecoder.builder.intent import classify_intent

    server = LLMServer().start()
    try:
        provider = AnthropicProvider(api_key="k", model="m", base_url=server.url)
        server.queue(Reply('{"intent": "QUESTION", "reason": "asks"}', chunk_chars=7))
        intent = classify_intent(lambda r: collect(provider, r), "what is it", has_project=True)
        assert (intent.kind, intent.source) == ("QUESTION", "model")
        body = server.requests[-1]["body"]
        assert body["tool_choice"] == {"type": "tool", "name": "vibecoder_intent"}
        assert body["tools"][0]["input_schema"]["required"] == ["intent", "reason"]
    finally:
        server.stop()
