"""Markdown for untrusted text (seller, buyer and model text): never raw HTML, never remote images.

`rx.markdown` turns on rehype-raw by default, which renders `<iframe srcdoc=…>`, `<form>` and
`<style>` from the text as real elements in the app's origin. Here raw HTML stays text
(react-markdown without rehype-raw), math/KaTeX is off (less parser surface), link targets go
through react-markdown's URL filter (http, https, mailto and relative only: `javascript:` is
dropped), links get rel="nofollow noopener noreferrer ugc", and images are not loaded at all —
a remote image is a tracking pixel or a request to a listener, so only its alt text shows.
"""

from __future__ import annotations

import reflex as rx


def _link(value: object, **props):
    return rx.link(value, rel="nofollow noopener noreferrer ugc", **props)


def _image(*_children, **_props):
    return rx.el.span("[image]", class_name="md-image-placeholder", data_testid="md-image")


_COMPONENT_MAP = {"a": _link, "img": _image}


def safe_markdown(text, **props) -> rx.Component:
    return rx.markdown(
        text,
        use_raw=False,
        use_math=False,
        use_katex=False,
        component_map=_COMPONENT_MAP,
        # Marks user content in the DOM (the hostile tests look for injected elements here).
        class_name="user-markdown",
        **props,
    )
