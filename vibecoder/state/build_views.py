"""The builder pages' view models, and the project page's view of a project (read in a worker
thread by BuildProjectState)."""

from __future__ import annotations

from pydantic import BaseModel

from vibecoder.builder.service import models as builder_models
from vibecoder.builder.service import runs as builder_runs
from vibecoder.builder.service.listing import recent_messages, version_number, versions_page
from vibecoder.domain import dates
from vibecoder.domain.errors import ServiceError
from vibecoder.domain.paging import page_count

HISTORY_PAGE_SIZE = 8


class ProjectItem(BaseModel):
    public_id: str
    name: str
    updated: str
    latest: str


class ChatItem(BaseModel):
    role: str
    text: str


class StepItem(BaseModel):
    name: str
    purpose: str = ""
    status: str = "queued"  # queued | streaming | recovering | validating | done | failed


class DraftStep(BaseModel):
    """A plan step being edited; `uid` keys its row so inputs follow it when steps move."""

    uid: str
    name: str
    purpose: str


class ModelOption(BaseModel):
    key: str
    label: str


class VersionItem(BaseModel):
    number: int
    message: str
    when: str
    model: str
    tokens: int


class ProjectView(BaseModel):
    """What the project page shows of the project itself, read in the worker thread."""

    name: str
    messages: list[ChatItem]
    history_pages: int
    versions: list[VersionItem]
    latest_version: int
    project_tokens: int
    model_options: list[ModelOption]
    model_key: str
    model_offline: bool


def project_view(
    session, *, owner_id: int, public_id: str, history_page: int
) -> ProjectView | None:
    """None when the project is not the owner's (or does not exist)."""
    try:
        project = builder_runs.owned_project(session, owner_id=owner_id, public_id=public_id)
    except ServiceError:
        return None
    rows, total = versions_page(
        session, project_id=project.id, page=history_page, page_size=HISTORY_PAGE_SIZE
    )
    choice = builder_models.choice_for(project.provider, project.model)
    tz = dates.zone_of(session, owner_id)
    return ProjectView(
        name=project.name,
        messages=[
            ChatItem(role=role, text=text)
            for role, text in recent_messages(session, project_id=project.id)
        ],
        history_pages=page_count(total, HISTORY_PAGE_SIZE),
        versions=[
            VersionItem(
                number=v.number,
                message=v.message,
                when=dates.local(v.created_at, tz),
                model=v.model,
                tokens=v.tokens,
            )
            for v in rows
        ],
        latest_version=version_number(session, version_id=project.current_version_id),
        project_tokens=project.tokens_in + project.tokens_out,
        model_options=[
            ModelOption(key=c.key, label=c.label) for c in builder_models.model_choices()
        ],
        model_key=choice.key if choice else "",
        model_offline=bool(choice and choice.offline),
    )
