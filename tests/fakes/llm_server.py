"""A local HTTP server speaking the OpenAI and Anthropic streaming (SSE) protocols.

The real `openai` and `anthropic` SDKs connect to it by base URL. Each request pops the next
scripted `Reply` (or repeats the last one): the text is streamed in chunks with the wire format
of each API (OpenAI `chat.completion.chunk` objects ending `data: [DONE]`; Anthropic
`message_start` … `message_stop` events), a finish reason (`stop`/`length`; Anthropic
`end_turn`/`max_tokens`), usage, HTTP errors, and a mid-stream disconnect: the socket is closed
after N characters without the terminating chunk of the chunked transfer encoding.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    text: str = ""
    finish: str = "stop"  # "stop" | "length"
    chunk_chars: int = 16
    disconnect_after: int | None = None  # characters sent before the connection drops
    status: int = 200
    input_tokens: int = 17
    output_tokens: int | None = None  # default: about len(text) / 4
    include_usage: bool = True


@dataclass
class LLMServer:
    replies: list[Reply] = field(default_factory=list)
    requests: list[dict] = field(default_factory=list)
    # Instead of queued replies: compute each reply from the request (path, JSON body).
    responder: Callable[[str, dict], Reply] | None = None
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def queue(self, *replies: Reply) -> None:
        self.replies.extend(replies)

    def next_reply(self) -> Reply:
        if len(self.replies) > 1:
            return self.replies.pop(0)
        return self.replies[0] if self.replies else Reply("")

    def start(self) -> LLMServer:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):
                length = int(self.headers.get("content-length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                fake.requests.append(
                    {
                        "path": self.path,
                        "body": body,
                        "headers": {k.lower(): v for k, v in self.headers.items()},
                    }
                )
                reply = fake.responder(self.path, body) if fake.responder else fake.next_reply()
                if reply.status != 200:
                    return self._error(reply.status)
                if self.path.endswith("/chat/completions"):
                    events = _openai_events(body, reply)
                elif self.path.endswith("/messages"):
                    events = _anthropic_events(body, reply)
                else:
                    return self._error(404)
                self.send_response(200)
                self.send_header("content-type", "text/event-stream")
                self.send_header("transfer-encoding", "chunked")
                self.send_header("cache-control", "no-cache")
                self.end_headers()
                sent = 0
                for payload, chars in events:
                    if reply.disconnect_after is not None and sent + chars > reply.disconnect_after:
                        # Drop the connection: no terminating zero-length chunk.
                        self.wfile.flush()
                        self.close_connection = True
                        self.connection.shutdown(2)
                        return
                    sent += chars
                    data = payload.encode()
                    self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
                    self.wfile.flush()
                self.wfile.write(b"0\r\n\r\n")
                self.wfile.flush()

            def _error(self, status: int):
                body = json.dumps(
                    {
                        "type": "error",
                        "error": {"type": "overloaded_error", "message": "fake error"},
                    }
                ).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


def _pieces(reply: Reply) -> list[str]:
    text, size = reply.text, reply.chunk_chars
    return [text[i : i + size] for i in range(0, len(text), size)]


def _output_tokens(reply: Reply) -> int:
    return reply.output_tokens if reply.output_tokens is not None else max(1, len(reply.text) // 4)


def _openai_events(body: dict, reply: Reply) -> list[tuple[str, int]]:
    base = {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": body.get("model", "fake"),
        "system_fingerprint": "fp_fake",
    }

    def event(obj: dict) -> str:
        return f"data: {json.dumps({**base, **obj})}\n\n"

    first = {"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}
    events = [(event({"choices": [first]}), 0)]
    for piece in _pieces(reply):
        choice = {"index": 0, "delta": {"content": piece}, "finish_reason": None}
        events.append((event({"choices": [choice]}), len(piece)))
    final = {"index": 0, "delta": {}, "finish_reason": reply.finish}
    events.append((event({"choices": [final]}), 0))
    wants_usage = (body.get("stream_options") or {}).get("include_usage")
    if wants_usage and reply.include_usage:
        usage = {
            "prompt_tokens": reply.input_tokens,
            "completion_tokens": _output_tokens(reply),
            "total_tokens": reply.input_tokens + _output_tokens(reply),
        }
        events.append((event({"choices": [], "usage": usage}), 0))
    events.append(("data: [DONE]\n\n", 0))
    return events


def _anthropic_events(body: dict, reply: Reply) -> list[tuple[str, int]]:
    def event(name: str, obj: dict) -> str:
        return f"event: {name}\ndata: {json.dumps({'type': name, **obj})}\n\n"

    message = {
        "id": "msg_fake",
        "type": "message",
        "role": "assistant",
        "model": body.get("model", "fake"),
        "content": [],
        "stop_reason": None,
        "stop_sequence": None,
        "usage": {"input_tokens": reply.input_tokens, "output_tokens": 1},
    }
    # A forced tool (structured output): the reply text is the tool's input, streamed as JSON.
    forced = (body.get("tool_choice") or {}).get("type") == "tool"
    block = (
        {"type": "tool_use", "id": "toolu_fake", "name": body["tool_choice"]["name"], "input": {}}
        if forced
        else {"type": "text", "text": ""}
    )
    events = [
        (event("message_start", {"message": message}), 0),
        (event("content_block_start", {"index": 0, "content_block": block}), 0),
        ('event: ping\ndata: {"type": "ping"}\n\n', 0),
    ]
    for piece in _pieces(reply):
        if forced:
            delta = {"index": 0, "delta": {"type": "input_json_delta", "partial_json": piece}}
        else:
            delta = {"index": 0, "delta": {"type": "text_delta", "text": piece}}
        events.append((event("content_block_delta", delta), len(piece)))
    events.append((event("content_block_stop", {"index": 0}), 0))
    stop = "max_tokens" if reply.finish == "length" else ("tool_use" if forced else "end_turn")
    events.append(
        (
            event(
                "message_delta",
                {
                    "delta": {"stop_reason": stop, "stop_sequence": None},
                    "usage": {"output_tokens": _output_tokens(reply)},
                },
            ),
            0,
        )
    )
    events.append((event("message_stop", {}), 0))
    return events
