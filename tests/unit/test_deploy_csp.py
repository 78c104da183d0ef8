"""The compose image's nginx serves the exported frontend itself: the Dockerfile writes the
export's inline-script hashes into deploy/nginx.conf's page policy (as prod-local does). These
tests keep the Dockerfile's substitution and the config in step, and check the hashing."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

from vibecoder.api.security import exported_page_hashes

ROOT = Path(__file__).resolve().parents[2]
MARKER = "script-src 'self' 'unsafe-eval'"


def test_the_dockerfile_substitutes_hashes_where_nginx_conf_has_its_script_src():
    dockerfile = (ROOT / "Dockerfile").read_text()
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    assert f"s|{MARKER}|{MARKER} $hashes|" in dockerfile
    # Exactly one page policy to extend, or the substitution would hit the wrong line.
    assert nginx.count(MARKER) == 1
    assert "COPY --from=frontend-build /app/nginx.conf /etc/nginx/conf.d/default.conf" in (
        dockerfile
    )


def test_exported_page_hashes_names_every_inline_script_once(tmp_path):
    boot = b"window.__reactRouterContext = {};"
    (tmp_path / "index.html").write_bytes(b"<html><script>" + boot + b"</script></html>")
    (tmp_path / "browse").mkdir()
    (tmp_path / "browse" / "index.html").write_bytes(
        b"<script>" + boot + b"</script><script src='/app.js'></script><script>x()</script>"
    )
    expected = "'sha256-" + base64.b64encode(hashlib.sha256(boot).digest()).decode() + "'"
    hashes = exported_page_hashes(tmp_path)
    assert hashes[0] == expected
    assert len(hashes) == 2  # the shared boot script once, plus x(); no hash for src scripts
    assert all(re.fullmatch(r"'sha256-[A-Za-z0-9+/=]+'", h) for h in hashes)
    assert exported_page_hashes(tmp_path / "missing") == []
