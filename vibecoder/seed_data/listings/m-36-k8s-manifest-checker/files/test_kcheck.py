from kcheck import check

GOOD = {"kind": "Deployment", "metadata": {"name": "web"}, "spec": {"template": {"spec": {
    "securityContext": {"runAsNonRoot": True},
    "containers": [{"name": "web", "image": "nginx:1.27", "readinessProbe": {},
                    "resources": {"requests": {"memory": "64Mi"}, "limits": {"memory": "128Mi"}}}]}}}}


def test_good_deployment():
    assert check(GOOD) == []


def test_latest_and_privileged():
    bad = {"kind": "Pod", "metadata": {"name": "x"}, "spec": {"containers": [
        {"name": "x", "image": "busybox", "securityContext": {"privileged": True}}]}}
    messages = [m for _, m in check(bad)]
    assert "image is not pinned to a tag" in messages and "runs privileged" in messages


def test_lists_are_walked():
    assert check({"kind": "List", "items": [GOOD, {"kind": "Service"}]}) == []
