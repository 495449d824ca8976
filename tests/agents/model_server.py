#!/usr/bin/env python3
"""tests/agents/model_server.py -- a scripted model for the agent tests.

Speaks enough of two model APIs for a real coding agent to run one shell
command and report its result (both checked with the real agents):
  - Anthropic Messages   POST /v1/messages (Claude Code; SSE or JSON)
  - OpenAI Responses     POST /v1/responses (Codex; SSE)
(Gemini CLI is not served: it also asks the model to route and classify,
which this script does not answer.)
The script is one turn: while the request carries no tool result, the answer
is a single shell tool call running --command ("{PORT}" becomes the
server's port); once a tool result is in the request, the answer is the text
"MODEL-SAW: <the tool result>", so the test can read what the model was
given. Every request is appended to --log as one JSON line (path, body).
Any other GET is answered 200 and logged too: a denied curl must leave none.
Standard library only; listens on 127.0.0.1, port 0 by default.
"""
import argparse
import http.server
import json
import sys
import threading
import uuid

ARGS = None
LOCK = threading.Lock()


def log(entry):
    with LOCK:
        with open(ARGS.log, "a") as f:
            f.write(json.dumps(entry) + "\n")


def command(port):
    return ARGS.command.replace("{PORT}", str(port))


def text_of(content):
    """The text of a tool result's content: a string or a list of blocks."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(text_of(c.get("text", c.get("content", ""))) if isinstance(c, dict) else str(c)
                       for c in content)
    if isinstance(content, dict):
        return json.dumps(content)
    return "" if content is None else str(content)


# --- what the request says -------------------------------------------------

def anthropic_result(body):
    for m in body.get("messages", []):
        if m.get("role") != "user" or not isinstance(m.get("content"), list):
            continue
        for b in m["content"]:
            if isinstance(b, dict) and b.get("type") == "tool_result":
                flag = "[error] " if b.get("is_error") else ""
                return flag + text_of(b.get("content"))
    return None


def responses_result(body):
    items = body.get("input", [])
    if isinstance(items, list):
        for it in items:
            if isinstance(it, dict) and it.get("type") in ("function_call_output", "custom_tool_call_output"):
                return text_of(it.get("output"))
    return None


def responses_tool(body):
    """The name and argument shape of the shell tool Codex offered."""
    names = [t.get("name") for t in body.get("tools", []) if isinstance(t, dict)]
    for n in ("exec_command", "shell_command", "shell"):
        if n in names:
            return n
    return names[0] if names else "shell"


# --- the answers -------------------------------------------------------------

def sse(handler, events):
    handler.send_response(200)
    handler.send_header("Content-Type", "text/event-stream")
    handler.send_header("Cache-Control", "no-cache")
    handler.end_headers()
    for name, data in events:
        if name:
            handler.wfile.write(("event: %s\n" % name).encode())
        handler.wfile.write(("data: %s\n\n" % json.dumps(data)).encode())
    handler.wfile.flush()
    handler.close_connection = True


def send_json(handler, obj, code=200):
    data = json.dumps(obj).encode()
    handler.send_response(code)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)


def anthropic(handler, body):
    result = anthropic_result(body)
    msg_id = "msg_" + uuid.uuid4().hex[:24]
    usage = {"input_tokens": 1, "output_tokens": 1}
    if result is None:
        block = {"type": "tool_use", "id": "toolu_" + uuid.uuid4().hex[:24], "name": "Bash",
                 "input": {"command": command(handler.server.server_port), "description": "scripted"}}
        stop = "tool_use"
    else:
        block = {"type": "text", "text": "MODEL-SAW: " + result}
        stop = "end_turn"
    if not body.get("stream"):
        send_json(handler, {"id": msg_id, "type": "message", "role": "assistant", "model": body.get("model", "m"),
                            "content": [block], "stop_reason": stop, "stop_sequence": None, "usage": usage})
        return
    start = dict(block, input={}) if block["type"] == "tool_use" else dict(block, text="")
    delta = ({"type": "input_json_delta", "partial_json": json.dumps(block["input"])}
             if block["type"] == "tool_use" else {"type": "text_delta", "text": block["text"]})
    sse(handler, [
        ("message_start", {"type": "message_start", "message": {
            "id": msg_id, "type": "message", "role": "assistant", "model": body.get("model", "m"),
            "content": [], "stop_reason": None, "stop_sequence": None, "usage": usage}}),
        ("content_block_start", {"type": "content_block_start", "index": 0, "content_block": start}),
        ("content_block_delta", {"type": "content_block_delta", "index": 0, "delta": delta}),
        ("content_block_stop", {"type": "content_block_stop", "index": 0}),
        ("message_delta", {"type": "message_delta", "delta": {"stop_reason": stop, "stop_sequence": None},
                           "usage": {"output_tokens": 1}}),
        ("message_stop", {"type": "message_stop"}),
    ])


def responses(handler, body):
    result = responses_result(body)
    rid = "resp_" + uuid.uuid4().hex
    if result is None:
        tool = responses_tool(body)
        cmd = command(handler.server.server_port)
        args = {"cmd": cmd} if tool == "exec_command" else (
            {"command": cmd} if tool == "shell_command" else {"command": ["bash", "-lc", cmd]})
        item = {"type": "function_call", "id": "fc_" + uuid.uuid4().hex, "call_id": "call_" + uuid.uuid4().hex[:20],
                "name": tool, "arguments": json.dumps(args), "status": "completed"}
    else:
        item = {"type": "message", "id": "msg_" + uuid.uuid4().hex, "role": "assistant", "status": "completed",
                "content": [{"type": "output_text", "text": "MODEL-SAW: " + result, "annotations": []}]}
    resp = {"id": rid, "object": "response", "status": "completed", "model": body.get("model", "m"),
            "output": [item], "usage": {"input_tokens": 1, "output_tokens": 1, "total_tokens": 2,
                                        "input_tokens_details": {"cached_tokens": 0},
                                        "output_tokens_details": {"reasoning_tokens": 0}}}
    sse(handler, [
        ("response.created", {"type": "response.created", "response": dict(resp, status="in_progress", output=[])}),
        ("response.output_item.done", {"type": "response.output_item.done", "output_index": 0, "item": item}),
        ("response.completed", {"type": "response.completed", "response": resp}),
    ])


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *a):
        pass

    def do_GET(self):
        log({"method": "GET", "path": self.path})
        send_json(self, {"ok": True})

    def do_HEAD(self):
        log({"method": "HEAD", "path": self.path})
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n) if n else b""
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = {}
        log({"method": "POST", "path": self.path, "body": body})
        path = self.path.split("?")[0]
        if path.endswith("/messages/count_tokens"):
            send_json(self, {"input_tokens": 1})
        elif path.endswith("/messages"):
            anthropic(self, body)
        elif path.endswith("/responses"):
            responses(self, body)
        else:
            send_json(self, {"error": {"message": "not scripted: " + path}}, 404)


def main():
    global ARGS
    p = argparse.ArgumentParser(description="scripted model server for the agent tests")
    p.add_argument("--command", required=True, help="the shell command the model asks for")
    p.add_argument("--log", required=True, help="JSON Lines log of every request")
    p.add_argument("--port-file", required=True, help="where the listening port is written")
    p.add_argument("--port", type=int, default=0)
    ARGS = p.parse_args()
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", ARGS.port), Handler)
    srv.daemon_threads = True
    with open(ARGS.port_file + ".tmp", "w") as f:
        f.write(str(srv.server_port))
    import os
    os.rename(ARGS.port_file + ".tmp", ARGS.port_file)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
