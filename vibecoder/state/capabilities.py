"""Whether this server can build previews and run the sandbox, for the pages that offer them.

The builder (new project form, chat) and a listing's "Run in sandbox" panel show the reason in
place of their button when a tool is missing, instead of a button that can only fail. The probe
(builder/capabilities) starts Chromium the first time, so it runs in a thread, after the page.
"""

from __future__ import annotations

import asyncio

import reflex as rx


class CapabilitiesState(rx.State):
    # "" when the tools work, else "… unavailable on this server: <reason>".
    builder_unavailable: str = ""
    sandbox_unavailable: str = ""

    @rx.event(background=True)
    async def check(self):
        from vibecoder.builder.capabilities import unavailable_reason

        builder = await asyncio.to_thread(unavailable_reason, "bundler", "renderer")
        sandbox = await asyncio.to_thread(unavailable_reason, "sandbox")
        async with self:
            self.builder_unavailable, self.sandbox_unavailable = builder, sandbox
