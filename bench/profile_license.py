"""Where license validation time goes on prod-local with 2 backends (issue 16).

Starts the topology with `bench.topology`'s helpers, runs 16 clients validating one real key
through nginx for 40 s in a separate process, and over 15 s of that load records each
process's CPU (psutil) and a py-spy profile (`py-spy record -r 100 -f raw`) of every backend
process; prints the busiest processes and the backend's functions by share of samples.
`python -m bench.profile_license` (BENCH_PROD_DIR / BENCH_HTTP_PORT as for bench.topology).
"""

from __future__ import annotations

import collections
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import psutil

from bench import topology
from bench.common import print_table, write_result

LOAD_SECONDS, SAMPLE_SECONDS, CLIENTS = 40, 15, 16
LOAD = """
import asyncio, json, sys
from bench import topology
KEY, URL, SECONDS, CLIENTS = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
async def validate(client, _i):
    return await client.post(URL, json={"license_key": KEY})
print(json.dumps(asyncio.run(topology._load(validate, SECONDS, CLIENTS))))
"""


def _label(proc: psutil.Process) -> str:
    return " ".join(proc.info["cmdline"] or [proc.info["name"] or "?"])[:100]


def _functions(raw: Path) -> list[tuple[str, float]]:
    """Each function's share of the samples (a function counted once per stack)."""
    counts: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, n = line.rpartition(" ")
        if not stack or not n.isdigit():
            continue
        total += int(n)
        for frame in {f.split(":")[0] for f in stack.split(";")}:
            counts[frame] += int(n)
    if not total:
        return []
    return [(name, round(c / total * 100, 1)) for name, c in counts.most_common(25)]


def main() -> None:
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    shutil.rmtree(topology.PROD_DIR, ignore_errors=True)
    proc = topology._start(2)
    try:
        topology._wait_ready(proc, 2)
        url = f"http://127.0.0.1:{topology.HTTP_PORT}/api/v1/licenses/validate"
        load = subprocess.Popen(
            [sys.executable, "-c", LOAD, topology._license_key(), url]
            + [str(LOAD_SECONDS), str(CLIENTS)],
            cwd=topology.ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        time.sleep(10)
        procs = list(psutil.process_iter(["cmdline", "name"]))
        before = {}
        for p in procs:
            try:
                before[p.pid] = (_label(p), sum(p.cpu_times()[:2]))
            except psutil.Error:
                continue
        backends = [p.pid for p in procs if "--backend-only" in _label(p)]
        outs = {pid: topology.PROD_DIR / f"py-spy-{pid}.txt" for pid in backends}
        spies = [
            subprocess.Popen(
                [spy, "record", "-p", str(pid), "-d", str(SAMPLE_SECONDS), "-r", "100"]
                + ["-f", "raw", "--nonblocking", "-o", str(out)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for pid, out in outs.items()
        ]
        started = time.monotonic()
        time.sleep(SAMPLE_SECONDS)
        elapsed = time.monotonic() - started
        cpu = []
        for pid, (label, seconds) in before.items():
            try:
                used = sum(psutil.Process(pid).cpu_times()[:2]) - seconds
            except psutil.Error:
                continue
            cpu.append((round(used / elapsed * 100, 1), label))
        for s in spies:
            s.wait()
        result = json.loads(load.communicate()[0])
    finally:
        topology._stop(proc)
    profiled = max((p for p in outs.values() if p.exists()), key=lambda p: p.stat().st_size)
    data = {
        "load": result,
        "cpu_pct_of_one_core": sorted(cpu, reverse=True)[:12],
        "backend_functions_pct": _functions(profiled),
    }
    path = write_result("profile_license", data)
    print_table(
        f"License validate, 2 backends, {CLIENTS} clients",
        [("throughput", f"{result['rps']}/s  p50 {result['p50_ms']} ms  p95 {result['p95_ms']} ms")]
        + [(f"CPU {pct}%", label) for pct, label in data["cpu_pct_of_one_core"]]
        + [(f"{pct}% of samples", name) for name, pct in data["backend_functions_pct"]],
    )
    print(f"\nwritten to {path}")


if __name__ == "__main__":
    main()
