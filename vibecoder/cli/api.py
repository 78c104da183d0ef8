"""`apikey create/list/revoke` (operator side, on the database) and `get SLUG` (a terminal
client of the public API, like `npx shadcn add`: only VIBECODER_API_URL and VIBECODER_API_KEY)."""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

from vibecoder.cli import _with_services, register_commands

MARKER = ".vibecoder.json"


# --- apikey -----------------------------------------------------------------------------------


def _user(session, email: str):
    from vibecoder.domain.accounts import auth

    user = auth.get_user_by_email(session=session, email=email)
    if user is None:
        print(f"apikey: no account with email {email}", file=sys.stderr)
    return user


def _apikey(args: argparse.Namespace) -> int:
    from vibecoder.domain.accounts import api_keys
    from vibecoder.domain.errors import ServiceError
    from vibecoder.infra.db import session_scope

    try:
        with session_scope() as session:
            user = _user(session, args.email)
            if user is None:
                return 1
            if args.apikey_command == "create":
                plaintext, key = api_keys.create_api_key(
                    session=session, user=user, name=args.name, scopes=args.scopes
                )
                # The key itself goes to stdout alone, so `KEY=$(… apikey create …)` works.
                print(plaintext)
                print(
                    f"apikey: created {key.prefix}… scopes {','.join(key.scopes)}", file=sys.stderr
                )
            elif args.apikey_command == "list":
                rows = [
                    {
                        "id": key.id,
                        "name": key.name,
                        "prefix": key.prefix,
                        "scopes": key.scopes,
                        "created_at": key.created_at.isoformat(),
                        "last_used_at": key.last_used_at.isoformat() if key.last_used_at else None,
                        "last_used_ip": key.last_used_ip,
                        "revoked": key.revoked_at is not None,
                    }
                    for key in api_keys.list_api_keys(session=session, user=user)
                ]
                if args.json:
                    print(json.dumps(rows))
                for row in rows if not args.json else []:
                    state = "revoked" if row["revoked"] else "active"
                    used = row["last_used_at"] or "never"
                    print(
                        f"{row['id']}\t{row['prefix']}…\t{row['name']}\t{','.join(row['scopes'])}"
                        f"\t{state}\tlast used {used} {row['last_used_ip'] or ''}".rstrip()
                    )
            else:
                api_keys.revoke_api_key(session=session, user=user, key_id=args.id)
                print(f"apikey: revoked key {args.id}")
    except ServiceError as exc:
        print(f"apikey: {exc.message}", file=sys.stderr)
        return 1
    return 0


# --- get --------------------------------------------------------------------------------------


class GetError(Exception):
    pass


def _problem(response) -> str:
    try:
        body = response.json()
        return (
            f"{body.get('detail') or body.get('message')} ({body.get('code') or body.get('error')})"
        )
    except ValueError:
        return f"HTTP {response.status_code}"


def _safe_members(archive: zipfile.ZipFile) -> list[tuple[zipfile.ZipInfo, PurePosixPath]]:
    """Members with the archive's top folder stripped; anything escaping the target refused."""
    members = []
    for info in archive.infolist():
        path = PurePosixPath(info.filename)
        parts = path.parts[1:] if len(path.parts) > 1 else path.parts
        if path.is_absolute() or ".." in path.parts or not parts or "\\" in info.filename:
            raise GetError(f"refusing unsafe path in archive: {info.filename!r}")
        if not info.is_dir():
            members.append((info, PurePosixPath(*parts)))
    return members


def _get(args: argparse.Namespace) -> int:
    import httpx

    base = os.environ.get("VIBECODER_API_URL", "").rstrip("/").removesuffix("/api/v1")
    key = os.environ.get("VIBECODER_API_KEY", "")
    if not base or not key:
        print("get: set VIBECODER_API_URL and VIBECODER_API_KEY", file=sys.stderr)
        return 2
    out = Path(args.out or args.slug)
    had = None
    if (out / MARKER).is_file():
        try:
            had = json.loads((out / MARKER).read_text()).get("version")
        except (ValueError, OSError):
            had = None
    headers = {"Authorization": f"Bearer {key}"}
    params = {k: v for k, v in {"version": args.version, "since": had}.items() if v}
    try:
        with httpx.Client(base_url=f"{base}/api/v1", headers=headers, timeout=60) as client:
            info = client.get(f"/listings/{args.slug}/download", params=params)
            if info.status_code == 403 and info.json().get("code") == "not_owned":
                # A free listing is claimed on the way (needs the purchase scope).
                claim = client.post("/purchases", json={"listing_slug": args.slug})
                if claim.status_code != 201 or claim.json().get("checkout_url"):
                    raise GetError(f"you do not own {args.slug}: buy it first")
                info = client.get(f"/listings/{args.slug}/download", params=params)
            if info.status_code != 200:
                raise GetError(_problem(info))
            meta = info.json()
            with tempfile.TemporaryDirectory(prefix="vibecoder-get-") as tmp:
                zip_path = Path(tmp) / meta["filename"]
                digest = hashlib.sha256()
                with client.stream("GET", meta["url"]) as response, zip_path.open("wb") as sink:
                    if response.status_code != 200:
                        response.read()
                        raise GetError(_problem(response))
                    for chunk in response.iter_bytes():
                        digest.update(chunk)
                        sink.write(chunk)
                if digest.hexdigest() != meta["sha256"]:
                    raise GetError(
                        f"checksum mismatch: got {digest.hexdigest()}, the API says "
                        f"{meta['sha256']}; nothing was written"
                    )
                staging = Path(tmp) / "unpacked"
                with zipfile.ZipFile(zip_path) as archive:
                    for info_item, relative in _safe_members(archive):
                        target = staging / relative
                        target.parent.mkdir(parents=True, exist_ok=True)
                        with archive.open(info_item) as src, target.open("wb") as dst:
                            shutil.copyfileobj(src, dst)
                out.mkdir(parents=True, exist_ok=True)
                for item in sorted(staging.rglob("*")):
                    if item.is_file():
                        dest = out / item.relative_to(staging)
                        dest.parent.mkdir(parents=True, exist_ok=True)
                        shutil.move(str(item), dest)
    except GetError as exc:
        print(f"get: {exc}", file=sys.stderr)
        return 1
    except httpx.HTTPError as exc:
        print(f"get: cannot reach {base}: {exc}", file=sys.stderr)
        return 1
    (out / MARKER).write_text(
        json.dumps(
            {"slug": meta["listing_slug"], "version": meta["version"], "sha256": meta["sha256"]}
        )
    )
    print(
        f"Installed {meta['listing_slug']} {meta['version']} into {out} "
        f"(sha256 {meta['sha256']} verified)"
    )
    if meta.get("license_key"):
        print(f"License key: {meta['license_key']}")
    if had and had != meta["version"]:
        print(f"Changes since {had}:")
        for entry in meta.get("changelog_since", []):
            print(f"## {entry['version']}")
            print(entry["changelog"].strip() or "(no notes)")
    return 0


def add_api_commands(sub: argparse._SubParsersAction) -> None:
    apikey = sub.add_parser("apikey", help="create, list or revoke a user's API keys")
    apikey_sub = apikey.add_subparsers(dest="apikey_command", required=True)
    create = apikey_sub.add_parser("create", help="print a new key (shown once)")
    create.add_argument("--email", required=True)
    create.add_argument("--name", required=True)
    create.add_argument("--scopes", default="read", help="comma-separated: read,purchase,sell,…")
    listing = apikey_sub.add_parser("list", help="a user's keys (never the keys themselves)")
    listing.add_argument("--email", required=True)
    listing.add_argument("--json", action="store_true")
    revoke = apikey_sub.add_parser("revoke", help="revoke a key: refused from the next request")
    revoke.add_argument("--email", required=True)
    revoke.add_argument("id", type=int)
    apikey.set_defaults(handler=_with_services(_apikey))

    get = sub.add_parser(
        "get", help="download, verify and unpack a listing you own (VIBECODER_API_URL/_KEY)"
    )
    get.add_argument("slug")
    get.add_argument("--version", help="a version (default: the latest)")
    get.add_argument("--out", help="target directory (default: ./SLUG)")
    get.set_defaults(handler=_get)


register_commands(add_api_commands)
