"""The Procfile, read with honcho's own parser (for `make prod-local` and the parity test)."""

from __future__ import annotations

from honcho.environ import parse_procfile

from vibecoder.settings import PROJECT_ROOT


def read_procfile() -> dict[str, str]:
    """Process name -> command line, in file order (honcho assigns ports in this order)."""
    return dict(parse_procfile((PROJECT_ROOT / "Procfile").read_text()).processes)
