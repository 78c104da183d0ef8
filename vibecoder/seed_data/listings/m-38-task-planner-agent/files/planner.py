"""Plan agent tasks into waves that can run in parallel (Kahn's algorithm)."""

import json
import sys


class CycleError(ValueError):
    pass


def waves(dependencies):
    unknown = {d for deps in dependencies.values() for d in deps} - set(dependencies)
    if unknown:
        raise ValueError(f"unknown dependencies: {sorted(unknown)}")
    remaining = {task: set(deps) for task, deps in dependencies.items()}
    plan = []
    while remaining:
        ready = sorted(task for task, deps in remaining.items() if not deps)
        if not ready:
            raise CycleError(f"cycle among: {sorted(remaining)}")
        plan.append(ready)
        for task in ready:
            del remaining[task]
        for deps in remaining.values():
            deps.difference_update(ready)
    return plan


def critical_path(dependencies, durations):
    finish = {}
    for wave in waves(dependencies):
        for task in wave:
            finish[task] = durations.get(task, 1) + max((finish[d] for d in dependencies[task]), default=0)
    return max(finish.values(), default=0)


if __name__ == "__main__":
    tasks = json.load(sys.stdin)
    for number, wave in enumerate(waves(tasks), 1):
        print(f"wave {number}: {', '.join(wave)}")
    print("critical path (unit durations):", critical_path(tasks, {}))
