"""Public API v1 (FastAPI), mounted at /api/v1 beside Reflex's routes; one module per resource."""

from vibecoder.api.v1.app import PREFIX, create_app

__all__ = ["PREFIX", "create_app"]
