from todo_api import TodoAPI

api = TodoAPI()
for title in ["Write docs", "Ship v1", ""]:
    print(api.handle("POST", "/todos", {"title": title})[::2])
print(api.handle("PATCH", "/todos/1", {"done": True}))
print(api.handle("GET", "/todos?limit=10"))
