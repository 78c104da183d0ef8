"""The HTTP API alone (no Reflex), as an ASGI app for `granian --interface asgi`.

The full app mounts the same routes through `api_transformer`; this serves them by themselves
for an API-only process and for the tests that drive the API over a real socket.
"""

from vibecoder.api import build_api

app = build_api()
