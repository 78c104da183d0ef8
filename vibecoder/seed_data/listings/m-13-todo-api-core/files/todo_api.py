"""Todo REST API as pure functions: handle(method, path, body) -> (status, headers, body)."""

import hashlib
import json
from itertools import count


class TodoAPI:
    def __init__(self):
        self.items = {}
        self.ids = count(1)

    def handle(self, method, path, body=None, headers=None):
        headers = headers or {}
        parts = [p for p in path.split("?")[0].split("/") if p]
        if parts[:1] != ["todos"]:
            return 404, {}, {"error": "not_found"}
        if len(parts) == 1:
            if method == "GET":
                return self._list(path)
            if method == "POST":
                return self._create(body)
        elif len(parts) == 2 and parts[1].isdigit():
            todo_id = int(parts[1])
            if todo_id not in self.items:
                return 404, {}, {"error": "not_found"}
            if method == "GET":
                etag = self._etag(self.items[todo_id])
                if headers.get("If-None-Match") == etag:
                    return 304, {"ETag": etag}, None
                return 200, {"ETag": etag}, self.items[todo_id]
            if method == "PATCH":
                return self._update(todo_id, body)
            if method == "DELETE":
                del self.items[todo_id]
                return 204, {}, None
        return 405, {}, {"error": "method_not_allowed"}

    @staticmethod
    def _etag(item):
        return hashlib.sha1(json.dumps(item, sort_keys=True).encode()).hexdigest()[:16]

    @staticmethod
    def _validate(body, partial=False):
        if not isinstance(body, dict):
            return "body must be a JSON object"
        if not partial or "title" in body:
            title = body.get("title")
            if not isinstance(title, str) or not 1 <= len(title.strip()) <= 200:
                return "title must be 1-200 characters"
        if "done" in body and not isinstance(body["done"], bool):
            return "done must be true or false"
        return None

    def _create(self, body):
        error = self._validate(body)
        if error:
            return 422, {}, {"error": "invalid", "message": error}
        item = {"id": next(self.ids), "title": body["title"].strip(), "done": bool(body.get("done", False))}
        self.items[item["id"]] = item
        return 201, {"Location": f"/todos/{item['id']}"}, item

    def _update(self, todo_id, body):
        error = self._validate(body, partial=True)
        if error:
            return 422, {}, {"error": "invalid", "message": error}
        self.items[todo_id].update({k: body[k] for k in ("title", "done") if k in body})
        return 200, {}, self.items[todo_id]

    def _list(self, path):
        query = dict(p.split("=", 1) for p in path.partition("?")[2].split("&") if "=" in p)
        try:
            limit = min(max(int(query.get("limit", 20)), 1), 100)
            offset = max(int(query.get("offset", 0)), 0)
        except ValueError:
            return 400, {}, {"error": "bad_query"}
        items = sorted(self.items.values(), key=lambda i: i["id"])
        return 200, {"X-Total-Count": str(len(items))}, items[offset:offset + limit]
