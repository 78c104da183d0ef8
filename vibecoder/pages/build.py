"""/build: the signed-in user's builder projects and a new-project form."""

from __future__ import annotations

import reflex as rx

from vibecoder.components.filters import pager
from vibecoder.components.layout import page
from vibecoder.state.build import BuildListState as S
from vibecoder.state.build_views import ProjectItem


def _project(item: ProjectItem) -> rx.Component:
    return rx.link(
        rx.card(
            rx.vstack(
                rx.heading(item.name, size="4", as_="h2"),
                rx.text("Updated ", item.updated, size="2", color_scheme="gray"),
                rx.badge(item.latest, variant="soft"),
                spacing="2",
                align="start",
            ),
            width="100%",
        ),
        href=f"/build/{item.public_id}",
        underline="none",
        data_testid="build-project",
    )


def _new_project_form() -> rx.Component:
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading("New project", size="4", as_="h2"),
                rx.input(name="name", placeholder="Project name", max_length=120, width="100%"),
                rx.text_area(
                    name="prompt",
                    placeholder="Describe the page to build, e.g. a full landing page for …",
                    required=True,
                    max_length=4000,
                    rows="4",
                    width="100%",
                ),
                rx.hstack(
                    rx.text("Model", as_="label", size="2", html_for="new-project-model"),
                    rx.select.root(
                        rx.select.trigger(id="new-project-model", aria_label="Model"),
                        rx.select.content(
                            rx.foreach(
                                S.model_options,
                                lambda o: rx.select.item(o.label, value=o.key),
                            )
                        ),
                        name="model",
                        value=S.default_model,
                        on_change=S.set_default_model,
                    ),
                    align="center",
                    spacing="2",
                    wrap="wrap",
                ),
                rx.cond(S.error != "", rx.text(S.error, color_scheme="red", role="alert")),
                rx.button("Start building", type="submit"),
                spacing="3",
                width="100%",
            ),
            on_submit=S.create,
            reset_on_submit=False,
        ),
        width="100%",
    )


def build_page() -> rx.Component:
    return page(
        rx.vstack(
            rx.heading("AI builder", size="7", as_="h1"),
            rx.cond(
                S.signed_out,
                rx.callout.root(
                    rx.callout.icon(rx.icon("log-in")),
                    rx.callout.text(
                        rx.link("Sign in", href="/signin?next=/build"), " to build with AI."
                    ),
                ),
                rx.vstack(
                    _new_project_form(),
                    rx.cond(
                        S.projects.length() > 0,
                        rx.grid(
                            rx.foreach(S.projects, _project),
                            columns=rx.breakpoints(initial="1", sm="2", md="3"),
                            spacing="3",
                            width="100%",
                        ),
                        rx.callout.root(
                            rx.callout.icon(rx.icon("sparkles")),
                            rx.callout.text("No projects yet: describe a page above to start."),
                        ),
                    ),
                    rx.cond(S.pages > 1, pager(S.page, S.pages, S.go_to_page)),
                    spacing="4",
                    width="100%",
                ),
            ),
            spacing="4",
            width="100%",
        )
    )
