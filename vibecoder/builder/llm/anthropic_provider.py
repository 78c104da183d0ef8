"""Anthropic Messages API, streamed through the official async SDK."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, cast

from vibecoder.builder.llm.base import (
    FINISH_ERROR,
    FINISH_LENGTH,
    FINISH_STOP,
    Chunk,
    Finish,
    Request,
    Usage,
    estimate_usage,
)
from vibecoder.builder.schemas import schema_for

if TYPE_CHECKING:
    from anthropic.types import MessageParam

STOP_REASONS = {
    "max_tokens": FINISH_LENGTH,
    "end_turn": FINISH_STOP,
    "stop_sequence": FINISH_STOP,
    "tool_use": FINISH_STOP,
}


class AnthropicProvider:
    offline = False

    def __init__(self, *, api_key: str, model: str, base_url: str | None = None, timeout=120.0):
        self.name = "anthropic"
        self.model = model
        self.api_key = api_key
        self.base_url = base_url
        self.timeout = timeout

    async def stream(self, request: Request) -> AsyncIterator[Chunk | Finish]:
        import anthropic

        client = anthropic.AsyncAnthropic(
            api_key=self.api_key, base_url=self.base_url, timeout=self.timeout, max_retries=1
        )
        usage = Usage()
        received: list[str] = []
        reason = FINISH_ERROR
        options: dict = {}
        schema = schema_for(request.purpose) if request.json_only else None
        if schema is not None:
            # Anthropic's structured output: a tool whose input schema is the answer, forced.
            name, body = schema
            options["tools"] = [
                {"name": name, "description": "Give the answer.", "input_schema": body}
            ]
            options["tool_choice"] = {"type": "tool", "name": name}
        try:
            stream = await client.messages.create(
                model=self.model,
                max_tokens=request.max_tokens,
                system=request.system,
                # Roles are "user"/"assistant" (checked where messages are built); the SDK's
                # TypedDicts want them as literals.
                messages=cast(
                    "list[MessageParam]",
                    [{"role": m.role, "content": m.content} for m in request.messages],
                ),
                stream=True,
                **options,
            )
            async for event in stream:
                if event.type == "message_start":
                    usage.input_tokens = event.message.usage.input_tokens or 0
                    usage.output_tokens = event.message.usage.output_tokens or 0
                elif event.type == "content_block_delta" and event.delta.type == "text_delta":
                    received.append(event.delta.text)
                    yield Chunk(event.delta.text)
                elif event.type == "content_block_delta" and event.delta.type == "input_json_delta":
                    # The forced tool's input, streamed as JSON text: the answer itself.
                    received.append(event.delta.partial_json)
                    yield Chunk(event.delta.partial_json)
                elif event.type == "message_delta":
                    reason = STOP_REASONS.get(event.delta.stop_reason or "", FINISH_STOP)
                    if event.usage is not None and event.usage.output_tokens is not None:
                        usage.output_tokens = event.usage.output_tokens
                elif event.type == "message_stop":
                    yield Finish(reason, usage)
                    return
            yield Finish(FINISH_ERROR, _fill(usage, request, received), "stream ended early")
        except anthropic.APIStatusError as exc:
            yield Finish(FINISH_ERROR, _fill(usage, request, received), f"{exc.status_code}: {exc}")
        except Exception as exc:  # transport errors differ by SDK version (httpx, httpx2)
            yield Finish(FINISH_ERROR, _fill(usage, request, received), f"connection: {exc}")
        finally:
            await client.close()


def _fill(usage: Usage, request: Request, received: list[str]) -> Usage:
    estimate = estimate_usage(request, "".join(received))
    return Usage(usage.input_tokens or estimate.input_tokens, estimate.output_tokens)
