"""Model providers for the builder: Anthropic, OpenAI, OpenAI-compatible servers, scripted."""

from __future__ import annotations

from dataclasses import dataclass

from vibecoder.builder.llm.base import (
    FINISH_CANCELLED,
    FINISH_ERROR,
    FINISH_LENGTH,
    FINISH_STOP,
    Chunk,
    Completion,
    Finish,
    Message,
    Provider,
    Request,
    Usage,
    acollect,
    collect,
)
from vibecoder.settings import get_settings

PROVIDERS = ("scripted", "anthropic", "openai", "openai-compatible")

__all__ = [
    "FINISH_CANCELLED",
    "FINISH_ERROR",
    "FINISH_LENGTH",
    "FINISH_STOP",
    "PROVIDERS",
    "Chunk",
    "Completion",
    "Finish",
    "Message",
    "Provider",
    "ProviderConfig",
    "Request",
    "Usage",
    "acollect",
    "collect",
    "default_provider_name",
    "make_provider",
]


@dataclass(frozen=True)
class ProviderConfig:
    """What a run needs to rebuild its provider in a worker; keys stay in settings."""

    name: str = "scripted"
    model: str | None = None
    base_url: str | None = None
    faults: str | None = None
    chunk_chars: int = 24
    delay: float = 0.0  # scripted only: seconds between chunks, like a real model's pace

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "model": self.model,
            "base_url": self.base_url,
            "faults": self.faults,
            "chunk_chars": self.chunk_chars,
            "delay": self.delay,
        }


def default_provider_name() -> str:
    """Anthropic or OpenAI when a key is configured, else the offline demo model."""
    settings = get_settings()
    if settings.anthropic_api_key:
        return "anthropic"
    if settings.openai_api_key:
        return "openai"
    if settings.openai_compatible_base_url:
        return "openai-compatible"
    return "scripted"


def make_provider(config: ProviderConfig) -> Provider:
    settings = get_settings()
    if config.name == "scripted":
        from vibecoder.builder.llm.scripted import ScriptedProvider

        return ScriptedProvider(
            faults=config.faults,
            chunk_chars=config.chunk_chars,
            delay=config.delay,
            model=config.model or "scripted-1",
        )
    if config.name == "anthropic":
        from vibecoder.builder.llm.anthropic_provider import AnthropicProvider

        if not settings.anthropic_api_key:
            raise ValueError("ANTHROPIC_API_KEY is not set")
        return AnthropicProvider(
            api_key=settings.anthropic_api_key,
            model=config.model or settings.anthropic_model,
            base_url=config.base_url or settings.anthropic_base_url,
        )
    if config.name in ("openai", "openai-compatible"):
        from vibecoder.builder.llm.openai_provider import OpenAIProvider

        compatible = config.name == "openai-compatible"
        base_url = config.base_url or (
            settings.openai_compatible_base_url if compatible else settings.openai_base_url
        )
        if compatible and not base_url:
            raise ValueError("an OpenAI-compatible provider needs a base URL")
        if not compatible and not settings.openai_api_key:
            raise ValueError("OPENAI_API_KEY is not set")
        model = config.model or (
            settings.openai_compatible_model if compatible else settings.openai_model
        )
        if not model:
            raise ValueError("choose a model for the OpenAI-compatible server")
        return OpenAIProvider(
            api_key=settings.openai_api_key, model=model, base_url=base_url, name=config.name
        )
    raise ValueError(f"unknown provider {config.name!r}; choose from {', '.join(PROVIDERS)}")
