"""Subcommands added by feature modules; imported by the CLI when it builds its parser."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from vibecoder import runtime
from vibecoder.cli import register_commands


def _import_listings(args: argparse.Namespace) -> int:
    from vibecoder.services.catalog_import import import_file

    path = Path(args.file)
    if not path.is_file():
        print(f"import-listings: no such file: {path}", file=sys.stderr)
        return 2
    runtime.ensure_services()
    try:
        summary = import_file(path=path, seller_email=args.seller)
    finally:
        runtime.stop_owned_services()
    print(json.dumps(summary.as_dict()) if args.json else summary)
    # Valid lines are imported either way; a non-zero exit tells scripts some lines were not.
    return 1 if summary.errors else 0


def add_catalog_commands(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("import-listings", help="import listings from a JSON-lines file")
    parser.add_argument("file")
    parser.add_argument("--seller", required=True, help="seller email (created if missing)")
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(handler=_import_listings)


register_commands(add_catalog_commands)
