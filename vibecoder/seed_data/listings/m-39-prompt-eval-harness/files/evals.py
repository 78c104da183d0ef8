"""Offline evaluation of recorded model outputs against test cases."""

import json
import re

CHECKS = {
    "exact": lambda output, expected: output.strip() == expected,
    "contains": lambda output, expected: expected.lower() in output.lower(),
    "regex": lambda output, expected: re.search(expected, output) is not None,
    "json_field": lambda output, expected: _json_field(output, expected),
}


def _json_field(output, expected):
    try:
        data = json.loads(output)
    except json.JSONDecodeError:
        return False
    field, _, value = expected.partition("=")
    for part in field.split("."):
        if not isinstance(data, dict) or part not in data:
            return False
        data = data[part]
    return str(data) == value


def score(cases, outputs):
    results = []
    for case, output in zip(cases, outputs):
        check = CHECKS[case["check"]]
        results.append({"id": case["id"], "passed": bool(check(output, case["expected"]))})
    passed = sum(r["passed"] for r in results)
    return {"passed": passed, "total": len(results), "rate": passed / len(results) if results else 0.0, "results": results}


def compare(cases, outputs_a, outputs_b):
    a, b = score(cases, outputs_a), score(cases, outputs_b)
    flips = [ra["id"] for ra, rb in zip(a["results"], b["results"]) if ra["passed"] != rb["passed"]]
    return {"a": a["rate"], "b": b["rate"], "changed": flips}


if __name__ == "__main__":
    cases = [
        {"id": "capital", "check": "contains", "expected": "Paris"},
        {"id": "json", "check": "json_field", "expected": "order.status=paid"},
        {"id": "date", "check": "regex", "expected": r"\d{4}-\d{2}-\d{2}"},
    ]
    v1 = ["The capital is Paris.", '{"order": {"status": "pending"}}', "on 2026-11-23"]
    v2 = ["Paris, of course.", '{"order": {"status": "paid"}}', "next Monday"]
    result = compare(cases, v1, v2)
    print(f"prompt v1: {result['a']:.0%}  prompt v2: {result['b']:.0%}  changed: {', '.join(result['changed'])}")
