"""OpenAI Chat Completions, and any OpenAI-compatible server (Ollama, vLLM, LM Studio)."""

from __future__ import annotations

from collections.abc import AsyncIterator

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


class OpenAIProvider:
    offline = False

    def __init__(
        self,
        *,
        api_key: str | None,
        model: str,
        base_url: str | None = None,
        name: str = "openai",
        timeout: float = 120.0,
    ):
        self.name = name
        self.model = model
        # Local servers ignore the key, but the SDK insists on one.
        self.api_key = api_key or "not-needed"
        self.base_url = base_url
        self.timeout = timeout

    async def stream(self, request: Request) -> AsyncIterator[Chunk | Finish]:
        import openai

        client = openai.AsyncOpenAI(
            api_key=self.api_key, base_url=self.base_url, timeout=self.timeout, max_retries=1
        )
        messages = [{"role": "system", "content": request.system}] + [
            {"role": m.role, "content": m.content} for m in request.messages
        ]
        usage: Usage | None = None
        reason: str | None = None
        received: list[str] = []
        options: dict = {}
        schema = schema_for(request.purpose) if request.json_only else None
        if schema is not None:
            name, body = schema
            options["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": name, "schema": body, "strict": True},
            }
        try:
            try:
                stream = await client.chat.completions.create(
                    model=self.model,
                    messages=messages,
                    max_tokens=request.max_tokens,
                    temperature=request.temperature,
                    stream=True,
                    # Compatible servers that do not know this option ignore it.
                    stream_options={"include_usage": True},
                    **options,
                )
            except openai.BadRequestError:
                if not options:
                    raise
                # A compatible server without structured output: the text answer is parsed.
                stream = await client.chat.completions.create(
                    model=self.model,
                    messages=messages,
                    max_tokens=request.max_tokens,
                    temperature=request.temperature,
                    stream=True,
                    stream_options={"include_usage": True},
                )
            async for chunk in stream:
                if chunk.usage is not None:
                    u = chunk.usage
                    usage = Usage(u.prompt_tokens or 0, u.completion_tokens or 0)
                for choice in chunk.choices:
                    text = choice.delta.content if choice.delta else None
                    if text:
                        received.append(text)
                        yield Chunk(text)
                    if choice.finish_reason:
                        reason = FINISH_LENGTH if choice.finish_reason == "length" else FINISH_STOP
            if reason is None:
                yield Finish(FINISH_ERROR, _fill(usage, request, received), "stream ended early")
            else:
                yield Finish(reason, _fill(usage, request, received))
        except openai.APIStatusError as exc:
            yield Finish(FINISH_ERROR, _fill(usage, request, received), f"{exc.status_code}: {exc}")
        except Exception as exc:  # transport errors differ by SDK version (httpx, httpx2)
            yield Finish(FINISH_ERROR, _fill(usage, request, received), f"connection: {exc}")
        finally:
            await client.close()


def _fill(usage: Usage | None, request: Request, received: list[str]) -> Usage:
    return usage if usage is not None else estimate_usage(request, "".join(received))
