"""Upload scan: secrets and obviously malicious code, reported to the seller before publishing.

"blocking" findings (live-looking credentials, private keys, clear malware) prevent publishing;
"warning" findings are shown but do not. Placeholders (`YOUR_API_KEY`, `sk_test_…`, `xxxx`,
environment lookups) are not secrets.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

MAX_LINE_CHARS = 4000


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    kind: str
    severity: str  # "blocking" | "warning"
    message: str
    redacted_excerpt: str


@dataclass(frozen=True)
class Rule:
    kind: str
    pattern: re.Pattern[str]
    severity: str
    message: str
    group: int = 0


def _r(pattern: str, flags: int = 0) -> re.Pattern[str]:
    return re.compile(pattern, flags)


SECRET_RULES = [
    Rule(
        "aws_access_key", _r(r"\b((?:AKIA|ASIA)[0-9A-Z]{16})\b"), "blocking", "AWS access key id", 1
    ),
    Rule(
        "aws_secret_key",
        _r(r"aws_?secret_?(?:access_?)?key\W{0,5}[=:]\s*['\"]?([A-Za-z0-9/+=]{40})\b", re.I),
        "blocking",
        "AWS secret access key",
        1,
    ),
    Rule(
        "stripe_live_key",
        _r(r"\b((?:sk|rk)_live_[0-9A-Za-z]{16,})\b"),
        "blocking",
        "Stripe live secret key",
        1,
    ),
    Rule(
        "stripe_test_key",
        _r(r"\b((?:sk|rk)_test_[0-9A-Za-z]{16,})\b"),
        "warning",
        "Stripe test key (not live, but rotate it if it is yours)",
        1,
    ),
    Rule(
        "anthropic_key",
        _r(r"\b(sk-ant-(?:api|admin)\d{2}-[A-Za-z0-9_\-]{20,})"),
        "blocking",
        "Anthropic API key",
        1,
    ),
    Rule(
        "openai_key",
        _r(
            r"\b(sk-(?:proj-|svcacct-|admin-)?(?!ant-)[A-Za-z0-9_\-]{20,}T3BlbkFJ[A-Za-z0-9_\-]{20,})"
        ),
        "blocking",
        "OpenAI API key",
        1,
    ),
    Rule(
        "openai_key_legacy",
        _r(r"\b(sk-(?:proj-)?[A-Za-z0-9]{40,})\b"),
        "blocking",
        "OpenAI-style API key",
        1,
    ),
    Rule(
        "github_token",
        _r(r"\b((?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,})\b"),
        "blocking",
        "GitHub token",
        1,
    ),
    Rule(
        "github_pat",
        _r(r"\b(github_pat_[A-Za-z0-9_]{60,})\b"),
        "blocking",
        "GitHub fine-grained token",
        1,
    ),
    Rule("slack_token", _r(r"\b(xox[abposr]-[A-Za-z0-9-]{10,})\b"), "blocking", "Slack token", 1),
    Rule("google_api_key", _r(r"\b(AIza[0-9A-Za-z_\-]{35})\b"), "blocking", "Google API key", 1),
    Rule(
        "private_key",
        _r(r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY"),
        "blocking",
        "private key (PEM block)",
    ),
    Rule(
        "generic_secret",
        _r(
            r"\b(?:password|passwd|secret|api_?key|token|auth)\w*\s*[=:]\s*['\"]([^'\"\s]{12,})['\"]",
            re.I,
        ),
        "warning",
        "hard-coded credential",
        1,
    ),
]

MALWARE_RULES = [
    Rule("reverse_shell", _r(r"(?:bash|sh)\s+-i\s*>&?\s*/dev/tcp/"), "blocking", "reverse shell"),
    Rule(
        "netcat_exec",
        _r(r"\b(?:nc|ncat|netcat)\b[^\n]*\s-(?:e|c)\s"),
        "blocking",
        "netcat executing a shell",
    ),
    Rule(
        "pipe_to_shell",
        _r(r"\b(?:curl|wget)\b[^\n|]*\|\s*(?:sudo\s+)?(?:ba|z)?sh\b"),
        "warning",
        "downloads and runs a script",
    ),
    Rule(
        "rm_root",
        _r(r"\brm\s+-[a-z]*r[a-z]*f[a-z]*\s+(?:--no-preserve-root\s+)?/(?:\s|$|\*)"),
        "blocking",
        "deletes the root filesystem",
    ),
    Rule(
        "crypto_miner",
        _r(r"\b(?:xmrig|minerd|cpuminer)\b|stratum\+tcp://", re.I),
        "blocking",
        "cryptocurrency miner",
    ),
    Rule(
        "obfuscated_exec",
        _r(r"\b(?:exec|eval)\s*\(\s*(?:base64\.b64decode|codecs\.decode|zlib\.decompress)"),
        "blocking",
        "executes obfuscated code",
    ),
    Rule(
        "obfuscated_eval_js",
        _r(r"\beval\s*\(\s*(?:atob|Buffer\.from)\s*\("),
        "blocking",
        "executes obfuscated code",
    ),
    Rule("fork_bomb", _r(r":\(\)\s*\{\s*:\s*\|\s*:\s*&\s*\}\s*;\s*:"), "blocking", "fork bomb"),
    Rule(
        "ssh_key_theft",
        _r(r"~/\.ssh/(?:id_[a-z0-9]+|authorized_keys)|\.ssh/id_rsa"),
        "warning",
        "reads SSH keys",
    ),
    Rule(
        "browser_cookie_theft",
        _r(r"(?:Cookies|Login Data)['\"]?\s*\)|Local State['\"].*os_crypt", re.I),
        "blocking",
        "reads browser credential stores",
    ),
    Rule(
        "discord_webhook_exfil",
        _r(r"discord(?:app)?\.com/api/webhooks/\d+/[A-Za-z0-9_\-]+", re.I),
        "warning",
        "posts data to a Discord webhook",
    ),
]

PLACEHOLDER_RE = re.compile(
    r"(?:your|example|sample|dummy|fake|placeholder|changeme|replace|xxxx|\.\.\.|<|\{\{|\$\{)",
    re.I,
)


def _entropy(value: str) -> float:
    counts = {c: value.count(c) for c in set(value)}
    return -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())


def _redact(line: str, secret: str | None) -> str:
    line = line.strip()[:160]
    if secret and len(secret) > 8:
        line = line.replace(secret, secret[:4] + "…" + "*" * 6)
    return line


def _looks_placeholder(value: str) -> bool:
    return bool(PLACEHOLDER_RE.search(value)) or len(set(value.lower())) < 6


def scan_text(path: str, text: str) -> list[Finding]:
    findings: list[Finding] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if len(line) > MAX_LINE_CHARS:
            line = line[:MAX_LINE_CHARS]
        for rule in SECRET_RULES:
            for match in rule.pattern.finditer(line):
                secret = match.group(rule.group) if rule.group else match.group(0)
                if rule.group and _looks_placeholder(secret):
                    continue
                if rule.kind == "generic_secret" and (
                    _entropy(secret) < 3.0 or "os.environ" in line or "getenv" in line
                ):
                    continue
                findings.append(
                    Finding(
                        path, number, rule.kind, rule.severity, rule.message, _redact(line, secret)
                    )
                )
                break
        for rule in MALWARE_RULES:
            if rule.pattern.search(line):
                findings.append(
                    Finding(
                        path, number, rule.kind, rule.severity, rule.message, _redact(line, None)
                    )
                )
    return _dedupe(findings)


def _dedupe(findings: list[Finding]) -> list[Finding]:
    # One line can match a specific and the generic rule; keep the most specific per line.
    seen: dict[tuple[str, int, str], Finding] = {}
    for finding in findings:
        key = (finding.path, finding.line, finding.severity)
        if key not in seen or seen[key].kind == "generic_secret":
            seen[key] = finding
    return list(seen.values())


def scan_files(files: Iterable[tuple[str, str]]) -> list[Finding]:
    findings: list[Finding] = []
    for path, text in files:
        findings.extend(scan_text(path, text))
    return findings


def has_blocking(findings: Iterable[Finding]) -> bool:
    return any(f.severity == "blocking" for f in findings)
