"""Subcommands added by feature modules; imported by the CLI when it builds its parser."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from vibecoder.cli import ensure_schema, register_commands
from vibecoder.infra import runtime


def _import_listings(args: argparse.Namespace) -> int:
    from vibecoder.domain.catalog.importer import import_file

    path = Path(args.file)
    if not path.is_file():
        print(f"import-listings: no such file: {path}", file=sys.stderr)
        return 2
    runtime.ensure_services()
    try:
        if not ensure_schema():
            return 2
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


def _reindex(args: argparse.Namespace) -> int:
    from vibecoder.domain.search.index import reindex
    from vibecoder.infra.db import session_scope

    runtime.ensure_services()
    try:
        if not ensure_schema():
            return 2
        summary = reindex(
            session_factory=session_scope,
            force=args.force,
            progress=None
            if args.json
            else lambda s: print(
                f"reindex: {s.embedded + s.unchanged}/{s.total} "
                f"({s.embedded} embedded, {s.unchanged} unchanged)",
                file=sys.stderr,
            ),
        )
    finally:
        runtime.stop_owned_services()
    print(json.dumps(summary.as_dict()) if args.json else "reindex: done")
    return 0


def _search(args: argparse.Namespace) -> int:
    from vibecoder.domain.catalog.browse import BrowseFilters
    from vibecoder.domain.search.query import search
    from vibecoder.errors import ServiceError
    from vibecoder.infra.db import session_scope
    from vibecoder.infra.redis_client import get_redis

    runtime.ensure_services()
    try:
        if not ensure_schema():
            return 2
        filters = BrowseFilters(
            category=args.category, technology=args.tech, pricing_model=args.pricing
        )
        with session_scope() as session:
            results = search(
                session=session,
                redis_client=get_redis(),
                query=args.query,
                filters=filters,
                limit=args.limit,
            )
    except ServiceError as exc:
        print(f"search: {exc.message}", file=sys.stderr)
        return 2
    finally:
        runtime.stop_owned_services()
    if args.json:
        print(json.dumps([hit.public() for hit in results.hits]))
    else:
        for hit in results.hits:
            print(f"{hit.score:8.4f}  {hit.slug:40}  {'+'.join(hit.matched)}")
    return 0


def add_search_commands(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("reindex", help="(re)compute search embeddings of every listing")
    parser.add_argument("--force", action="store_true", help="recompute even unchanged ones")
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(handler=_reindex)
    parser = sub.add_parser("search", help="search listings (same ranking as /api/search)")
    parser.add_argument("query")
    parser.add_argument("--limit", type=int, default=10)
    parser.add_argument("--category")
    parser.add_argument("--tech")
    parser.add_argument("--pricing")
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(handler=_search)


register_commands(add_catalog_commands)
register_commands(add_search_commands)
