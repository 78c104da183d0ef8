"""`python -m vibecoder sandbox run …`: run a file or a listing version in the sandbox."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

from vibecoder.cli import ensure_schema, register_commands
from vibecoder.infra import runtime


def _print(result: dict, as_json: bool) -> None:
    if as_json:
        print(json.dumps(result, indent=2))
        return
    sys.stdout.write(result.get("stdout", ""))
    sys.stderr.write(result.get("stderr", ""))
    reason = result.get("limit_reason")
    print(
        f"\n[exit {result.get('exit_code')}"
        + (f", stopped: {reason}" if reason else "")
        + f", {result.get('wall_seconds', 0):.2f}s wall]",
        file=sys.stderr,
    )


def _run(args: argparse.Namespace) -> int:
    import sandbox
    from sandbox.errors import SandboxUnavailable
    from vibecoder.domain.sandbox_runs.runs import limits_from_settings, materialize

    stdin = Path(args.stdin).read_bytes() if args.stdin else b""
    workdir = Path(tempfile.mkdtemp(prefix="vibecoder-cli-run-"))
    workdir.chmod(0o755)
    code_dir = workdir / "code"
    code_dir.mkdir()
    try:
        if args.file:
            source = Path(args.file)
            if not source.is_file():
                print(f"sandbox run: no such file: {source}", file=sys.stderr)
                return 2
            shutil.copy(source, code_dir / source.name)
            (code_dir / source.name).chmod(0o644)
            entry = source.name
        else:
            entry = _materialize_listing(args, code_dir, materialize)
            if entry is None:
                return 2
        code_dir.chmod(0o755)
        try:
            result = sandbox.run(
                sandbox.RunRequest(
                    language=args.lang,
                    files_dir=code_dir,
                    entry=entry,
                    args=args.args or [],
                    stdin=stdin,
                    limits=limits_from_settings(),
                )
            )
        except SandboxUnavailable as exc:
            print(f"sandbox run: {exc}", file=sys.stderr)
            return 3
        _print(result.to_dict(), args.json)
        return 0 if result.ok else 1
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _materialize_listing(args, code_dir: Path, materialize) -> str | None:
    from sqlmodel import select

    from vibecoder.domain.catalog import listings as catalog
    from vibecoder.domain.sandbox_runs.runs import runnable_files
    from vibecoder.infra.db import session_scope
    from vibecoder.models.catalog import Listing, ListingVersion

    runtime.ensure_services()
    try:
        if not ensure_schema():
            return None
        with session_scope() as session:
            listing = session.exec(select(Listing).where(Listing.slug == args.listing)).first()
            if listing is None:
                print(f"sandbox run: no listing {args.listing!r}", file=sys.stderr)
                return None
            if args.version:
                version = session.exec(
                    select(ListingVersion).where(
                        ListingVersion.listing_id == listing.id,
                        ListingVersion.version == args.version,
                    )
                ).first()
            else:
                version = catalog.latest_version(session=session, listing_id=listing.id)
            if version is None:
                print("sandbox run: no such version", file=sys.stderr)
                return None
            entries = runnable_files(session=session, version_id=version.id)
            wanted = args.entry or next(
                (e for e in entries if e.endswith(".py" if args.lang == "python" else ".js")), None
            )
            if wanted not in entries:
                print(f"sandbox run: choose --entry from {entries}", file=sys.stderr)
                return None
            materialize(session=session, version_id=version.id, dest=code_dir)
            return wanted
    finally:
        runtime.stop_owned_services()


def add_sandbox_commands(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("sandbox", help="run untrusted code in the sandbox")
    sandbox_sub = parser.add_subparsers(dest="sandbox_command", required=True)
    run = sandbox_sub.add_parser("run", help="run a file or a listing version")
    run.add_argument("--lang", choices=["python", "node"], required=True)
    source = run.add_mutually_exclusive_group(required=True)
    source.add_argument("--file", help="a single script to run")
    source.add_argument("--listing", help="a listing slug")
    run.add_argument("--version", help="listing version (default: latest)")
    run.add_argument("--entry", help="entry point inside the listing (default: its main file)")
    run.add_argument("--stdin", help="file whose content is the standard input")
    run.add_argument("--json", action="store_true")
    run.add_argument("args", nargs="*", help="arguments for the program (after --)")
    run.set_defaults(handler=_run)


register_commands(add_sandbox_commands)
