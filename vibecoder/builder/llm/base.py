"""What every model provider gives the builder: streamed text chunks, a finish reason, token usage.

Providers are async (the SDKs are) and yield `Chunk`s; the last item of every stream is a `Finish`
carrying why the model stopped ("stop", "length", "error") and the tokens it used. A stream that
breaks mid-way (a dropped connection) does not raise: it ends with `Finish("error")` and whatever
text arrived, so the ghost fixer can continue from the cut instead of starting over.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Protocol

FINISH_STOP = "stop"
FINISH_LENGTH = "length"
FINISH_ERROR = "error"
FINISH_CANCELLED = "cancelled"


@dataclass(frozen=True)
class Message:
    role: str  # "user" | "assistant"
    content: str


@dataclass
class Usage:
    input_tokens: int = 0
    output_tokens: int = 0

    def add(self, other: Usage) -> None:
        self.input_tokens += other.input_tokens
        self.output_tokens += other.output_tokens

    @property
    def total(self) -> int:
        return self.input_tokens + self.output_tokens


@dataclass(frozen=True)
class Chunk:
    text: str


@dataclass(frozen=True)
class Finish:
    reason: str
    usage: Usage = field(default_factory=Usage)
    error: str = ""


@dataclass(frozen=True)
class Request:
    """One model call. `purpose` tells the scripted model which part of the protocol this is."""

    system: str
    messages: tuple[Message, ...]
    max_tokens: int = 4096
    purpose: str = "step"  # intent | plan | change | step | continue | fix | answer
    temperature: float = 0.2
    json_only: bool = False


class Provider(Protocol):
    name: str
    model: str
    offline: bool

    def stream(self, request: Request) -> AsyncIterator[Chunk | Finish]: ...


@dataclass
class Completion:
    text: str
    finish_reason: str
    usage: Usage
    error: str = ""
    chunks: int = 0


async def acollect(
    provider: Provider,
    request: Request,
    on_chunk: Callable[[str], bool | None] | None = None,
) -> Completion:
    """Read a whole stream. `on_chunk` returning False stops reading (cancel, budget)."""
    parts: list[str] = []
    finish: Finish | None = None
    count = 0
    stream = provider.stream(request)
    try:
        async for item in stream:
            if isinstance(item, Finish):
                finish = item
                break
            parts.append(item.text)
            count += 1
            if on_chunk is not None and on_chunk(item.text) is False:
                finish = Finish(FINISH_CANCELLED, estimate_usage(request, "".join(parts)))
                break
    finally:
        await stream.aclose()
    if finish is None:
        finish = Finish(FINISH_ERROR, estimate_usage(request, "".join(parts)), "stream ended early")
    return Completion("".join(parts), finish.reason, finish.usage, finish.error, count)


def collect(
    provider: Provider,
    request: Request,
    on_chunk: Callable[[str], bool | None] | None = None,
) -> Completion:
    """Synchronous wrapper for Celery tasks and the CLI (one event loop per call).

    A caller whose thread already runs an event loop (Playwright's sync API keeps one
    running for its whole session) gets the call on a short-lived thread of its own,
    since asyncio.run refuses to nest.
    """
    if not _loop_running():
        return asyncio.run(acollect(provider, request, on_chunk))
    with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="llm-collect") as pool:
        return pool.submit(asyncio.run, acollect(provider, request, on_chunk)).result()


def _loop_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def estimate_tokens(text: str) -> int:
    """About four characters a token; used when a stream breaks before reporting usage."""
    return max(1, len(text) // 4) if text else 0


def estimate_usage(request: Request, output: str) -> Usage:
    prompt = request.system + "".join(m.content for m in request.messages)
    return Usage(estimate_tokens(prompt), estimate_tokens(output))
