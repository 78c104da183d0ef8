"""Best-practice checks for Kubernetes workloads given as JSON (kubectl get -o json)."""

import json
import sys

WORKLOADS = {"Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Pod"}


def pod_spec(obj):
    kind = obj.get("kind")
    if kind == "Pod":
        return obj.get("spec", {})
    if kind == "CronJob":
        return obj.get("spec", {}).get("jobTemplate", {}).get("spec", {}).get("template", {}).get("spec", {})
    return obj.get("spec", {}).get("template", {}).get("spec", {})


def check(obj):
    if obj.get("kind") == "List":
        return [p for item in obj.get("items", []) for p in check(item)]
    if obj.get("kind") not in WORKLOADS:
        return []
    name = f"{obj['kind']}/{obj.get('metadata', {}).get('name', '?')}"
    problems = []
    spec = pod_spec(obj)
    if spec.get("hostNetwork"):
        problems.append((name, "uses hostNetwork"))
    for container in spec.get("containers", []):
        where = f"{name} container {container.get('name', '?')}"
        image = container.get("image", "")
        if image.endswith(":latest") or ":" not in image.rsplit("/", 1)[-1]:
            problems.append((where, "image is not pinned to a tag"))
        resources = container.get("resources", {})
        for kind in ("requests", "limits"):
            if not resources.get(kind, {}).get("memory"):
                problems.append((where, f"no memory {kind}"))
        if obj["kind"] not in ("Job", "CronJob") and "readinessProbe" not in container:
            problems.append((where, "no readinessProbe"))
        security = container.get("securityContext", {})
        if security.get("privileged"):
            problems.append((where, "runs privileged"))
        if not security.get("runAsNonRoot") and not spec.get("securityContext", {}).get("runAsNonRoot"):
            problems.append((where, "may run as root (set runAsNonRoot)"))
    return problems


if __name__ == "__main__":
    try:
        document = json.load(sys.stdin)
    except json.JSONDecodeError as error:
        sys.exit(f"not JSON: {error}")
    problems = check(document)
    for where, message in problems:
        print(f"{where}: {message}")
    print(f"{len(problems)} problem(s)")
