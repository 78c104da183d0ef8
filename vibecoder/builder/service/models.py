"""Which model a builder project uses: the providers configured on this server, plus the offline
demo model, which is always there (labelled as such) so the builder works without any key.

A choice is stored on the project as (provider, model) and turned into the ProviderConfig a run
carries to the worker; keys never leave settings.
"""

from __future__ import annotations

from dataclasses import dataclass

from vibecoder.builder.llm import ProviderConfig
from vibecoder.builder.llm.scripted import OFFLINE_LABEL
from vibecoder.builder.service.runs import owned_project
from vibecoder.errors import ValidationFailed
from vibecoder.infra.db import session_scope
from vibecoder.settings import get_settings

SCRIPTED_MODEL = "scripted-1"
# The same offline model with every step cut off once mid-answer: a demo of truncation recovery.
SCRIPTED_DRILL_MODEL = "scripted-1-recovery-drill"
DRILL_FAULTS = "*=cut:0.5"
SCRIPTED_CHUNK_CHARS = 24


@dataclass(frozen=True)
class ModelChoice:
    provider: str
    model: str
    label: str
    offline: bool = False
    faults: str | None = None

    @property
    def key(self) -> str:
        return f"{self.provider}:{self.model}"


def model_choices() -> list[ModelChoice]:
    """Configured providers first (the default is the first), then the offline demo model."""
    settings = get_settings()
    choices: list[ModelChoice] = []
    if settings.anthropic_api_key:
        model = settings.anthropic_model
        choices.append(ModelChoice("anthropic", model, f"Anthropic · {model}"))
    if settings.openai_api_key:
        model = settings.openai_model
        choices.append(ModelChoice("openai", model, f"OpenAI · {model}"))
    if settings.openai_compatible_base_url and settings.openai_compatible_model:
        model = settings.openai_compatible_model
        choices.append(ModelChoice("openai-compatible", model, f"Local server · {model}"))
    choices.append(ModelChoice("scripted", SCRIPTED_MODEL, OFFLINE_LABEL, offline=True))
    choices.append(
        ModelChoice(
            "scripted",
            SCRIPTED_DRILL_MODEL,
            f"{OFFLINE_LABEL}, recovery drill: every step is cut off once",
            offline=True,
            faults=DRILL_FAULTS,
        )
    )
    return choices


def _defaults() -> dict[str, str | None]:
    settings = get_settings()
    return {
        "scripted": SCRIPTED_MODEL,
        "anthropic": settings.anthropic_model,
        "openai": settings.openai_model,
        "openai-compatible": settings.openai_compatible_model,
    }


def choice_for(provider: str, model: str | None) -> ModelChoice | None:
    """The configured choice a project's (provider, model) names; None when not available here."""
    model = model or _defaults().get(provider)
    return next((c for c in model_choices() if (c.provider, c.model) == (provider, model)), None)


def provider_config(provider: str, model: str | None) -> ProviderConfig:
    choice = choice_for(provider, model)
    if choice is None:
        raise ValidationFailed(
            "model_unavailable",
            f"The model {model or provider!r} is not configured on this server; pick another.",
            field="model",
        )
    if choice.provider != "scripted":
        return ProviderConfig(choice.provider, model=choice.model)
    per_second = get_settings().builder_scripted_tokens_per_second
    # About four characters a token, as the scripted model counts them.
    delay = SCRIPTED_CHUNK_CHARS / 4 / per_second if per_second > 0 else 0.0
    return ProviderConfig(
        "scripted",
        model=choice.model,
        faults=choice.faults,
        chunk_chars=SCRIPTED_CHUNK_CHARS,
        delay=delay,
    )


def set_project_model(*, owner_id: int, public_id: str, key: str) -> ModelChoice:
    """Persist the project's model; the next run (or a retried step) uses it."""
    choice = next((c for c in model_choices() if c.key == key), None)
    if choice is None:
        raise ValidationFailed(
            "model_unavailable", "That model is not available on this server.", field="model"
        )
    with session_scope() as session:
        project = owned_project(session, owner_id=owner_id, public_id=public_id)
        project.provider, project.model = choice.provider, choice.model
        session.add(project)
    return choice
