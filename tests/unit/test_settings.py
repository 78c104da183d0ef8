from __future__ import annotations

import pytest
from pydantic import ValidationError

from vibecoder.settings import PLACEHOLDER_SECRET_KEY, Settings


def test_placeholder_secret_is_refused_outside_development(monkeypatch):
    monkeypatch.delenv("VIBECODER_SECRET_KEY", raising=False)
    for environment in ("production", "test"):
        with pytest.raises(ValidationError, match="VIBECODER_SECRET_KEY"):
            Settings(environment=environment, secret_key=PLACEHOLDER_SECRET_KEY)
    assert Settings(environment="development", secret_key=PLACEHOLDER_SECRET_KEY)


def test_external_urls_switch_off_embedded_services(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://db.internal/vibecoder")
    monkeypatch.setenv("REDIS_URL", "redis://cache.internal:6379/0")
    settings = Settings(_env_file=None)
    assert not settings.uses_embedded_database and not settings.uses_embedded_redis
    monkeypatch.delenv("DATABASE_URL")
    monkeypatch.delenv("REDIS_URL")
    settings = Settings(_env_file=None)
    assert settings.uses_embedded_database and settings.uses_embedded_redis


def test_dotenv_is_read(tmp_path, monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    env_file = tmp_path / ".env"
    env_file.write_text("REDIS_URL=redis://from-dotenv:6379/1\nFRONTEND_PORT=3100\n")
    settings = Settings(_env_file=env_file)
    assert settings.redis_url == "redis://from-dotenv:6379/1"
    assert settings.frontend_port == 3100
