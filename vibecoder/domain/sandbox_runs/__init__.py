"""Sandbox runs of listing code: quotas, records and results (the runner itself is `sandbox/`)."""
