"""Run every benchmark module in this package (each has a main())."""

from __future__ import annotations

import importlib
import pkgutil
import sys

import bench

SKIP = {"common", "__main__", "search_queries"}

if __name__ == "__main__":
    failed = []
    for module in sorted(m.name for m in pkgutil.iter_modules(bench.__path__)):
        if module in SKIP:
            continue
        print(f"\n=== bench.{module} ===", flush=True)
        try:
            importlib.import_module(f"bench.{module}").main()
        except Exception as exc:  # noqa: BLE001 - report and go on with the other benchmarks
            print(f"bench.{module} failed: {exc!r}", file=sys.stderr)
            failed.append(module)
    sys.exit(1 if failed else 0)
