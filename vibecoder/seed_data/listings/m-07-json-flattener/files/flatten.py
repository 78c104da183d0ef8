"""Flatten nested JSON to dotted keys (lists use numeric indexes) and back."""

import json
import sys


def flatten(value, prefix=""):
    if isinstance(value, dict) and value:
        out = {}
        for key, item in value.items():
            out.update(flatten(item, f"{prefix}{key}."))
        return out
    if isinstance(value, list) and value:
        out = {}
        for index, item in enumerate(value):
            out.update(flatten(item, f"{prefix}{index}."))
        return out
    return {prefix[:-1]: value}


def unflatten(flat):
    root = {}
    for dotted, value in flat.items():
        parts = dotted.split(".")
        node = root
        for part, following in zip(parts, parts[1:]):
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return _lists(root)


def _lists(node):
    if isinstance(node, dict):
        node = {k: _lists(v) for k, v in node.items()}
        if node and all(k.isdigit() for k in node) and sorted(map(int, node)) == list(range(len(node))):
            return [node[str(i)] for i in range(len(node))]
    return node


if __name__ == "__main__":
    data = json.load(sys.stdin)
    print(json.dumps(flatten(data), indent=2))
