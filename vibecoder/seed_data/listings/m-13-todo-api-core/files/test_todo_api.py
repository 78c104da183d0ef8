from todo_api import TodoAPI


def test_create_list_update_delete():
    api = TodoAPI()
    status, headers, item = api.handle("POST", "/todos", {"title": " Buy milk "})
    assert (status, headers["Location"], item["title"]) == (201, "/todos/1", "Buy milk")
    assert api.handle("PATCH", "/todos/1", {"done": True})[2]["done"] is True
    assert api.handle("GET", "/todos")[1]["X-Total-Count"] == "1"
    assert api.handle("DELETE", "/todos/1")[0] == 204
    assert api.handle("GET", "/todos/1")[0] == 404


def test_validation_and_etags():
    api = TodoAPI()
    assert api.handle("POST", "/todos", {"title": ""})[0] == 422
    assert api.handle("POST", "/todos", {"title": "x", "done": "yes"})[0] == 422
    api.handle("POST", "/todos", {"title": "x"})
    etag = api.handle("GET", "/todos/1")[1]["ETag"]
    assert api.handle("GET", "/todos/1", headers={"If-None-Match": etag})[0] == 304
