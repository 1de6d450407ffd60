#!/usr/bin/env python3
"""The optional language-model backend end to end: `haven respond --jsonl --llm-url ...` against a
scripted OpenAI-compatible server started here (HTTP, then HTTPS with its own CA).

Checks: the model's wording is used for an ordinary turn; the request is the chat-completions
shape with the key in the Authorization header only; crisis turns never reach the model; a 500,
a malformed answer, a timeout, an unsafe answer (claims to be human, a diagnosis with a dose)
and an unverifiable certificate all fall back to the content engine; nothing secret or personal
reaches stderr. Temp directories only; every wait has a timeout."""
import http.server
import json
import os
import shutil
import ssl
import subprocess
import sys
import tempfile
import threading
import time

HAVEN = sys.argv[1]
KEY = "sk-test-7f3a9c"
SCRIPTED = "That sounds like a really draining week. What has been the hardest part of it for you?"


class Script:
    def __init__(self):
        self.lock = threading.Lock()
        self.behaviours = []  # consumed in order; default: answer SCRIPTED
        self.requests = []

    def next(self, headers, body):
        with self.lock:
            self.requests.append({"headers": dict(headers), "body": body})
            return self.behaviours.pop(0) if self.behaviours else {"content": SCRIPTED}


def make_handler(script):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            raw = self.rfile.read(length)
            try:
                body = json.loads(raw)
            except ValueError:
                body = None
            b = script.next(self.headers, body)
            if self.path != "/v1/chat/completions":
                b = {"status": 404}
            if "delay" in b:
                time.sleep(b["delay"])
            status = b.get("status", 200)
            if "raw" in b:
                out = b["raw"].encode()
            else:
                out = json.dumps({"id": "x", "object": "chat.completion", "choices": [
                    {"index": 0, "message": {"role": "assistant", "content": b.get("content", "")},
                     "finish_reason": "stop"}]}).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (the timeout case)

    return Handler


def serve(script, tls_ctx=None):
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), make_handler(script))
    srv.daemon_threads = True
    if tls_ctx is not None:
        srv.socket = tls_ctx.wrap_socket(srv.socket, server_side=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def check(cond, what):
    if not cond:
        print("FAIL:", what)
        sys.exit(1)


def respond(url, lines, *extra):
    env = dict(os.environ, HAVEN_TEST_LLM_KEY=KEY)
    payload = "".join(json.dumps({"id": str(i), "locale": "en-US",
                                  "history": [{"role": "user", "text": t}]}) + "\n"
                      for i, t in enumerate(lines))
    p = subprocess.run([HAVEN, "respond", "--jsonl", "--llm-url", url, "--llm-model", "test-model",
                        "--llm-key-env", "HAVEN_TEST_LLM_KEY", "--llm-timeout-ms", "1500", *extra],
                       input=payload, capture_output=True, text=True, env=env, timeout=120)
    check(p.returncode == 0, f"respond exit {p.returncode}: {p.stderr[-500:]}")
    check(KEY not in p.stderr, "the key never reaches stderr")
    for t in lines:
        check(t not in p.stderr, "message text never reaches stderr")
    out = [json.loads(l) for l in p.stdout.splitlines()]
    check(len(out) == len(lines), "one answer per line")
    return out


ORDINARY = "work has been exhausting this week and my manager keeps adding more"


def test_http():
    script = Script()
    srv = serve(script)
    url = f"http://127.0.0.1:{srv.server_port}/v1"
    try:
        out = respond(url, [ORDINARY])
        check(SCRIPTED in out[0]["reply"], "the model's wording is used: " + out[0]["reply"])
        check("AI" in out[0]["reply"], "the engine still discloses the AI on the first reply")
        check(len(script.requests) == 1, "one request")
        req = script.requests[0]
        check(req["headers"].get("Authorization") == "Bearer " + KEY, "the key in the header")
        body = req["body"]
        check(body["model"] == "test-model", "model")
        check(body["messages"][0]["role"] == "system", "rules first")
        check("never pretend" in body["messages"][0]["content"], "the rules are in the prompt")
        check(body["messages"][-1] == {"role": "user", "content": ORDINARY}, "the person last")

        # Crisis: never sent to the model.
        script.requests.clear()
        out = respond(url, ["I have the pills in my hand and I'm going to take them all tonight"])
        check(not script.requests, "a crisis turn never reaches the model")
        check("988" in out[0]["reply"] and out[0]["escalate"], "crisis reply with escalation")

        # Failures fall back to the content engine, one line each.
        script.requests.clear()
        script.behaviours = [
            {"status": 500},
            {"raw": "{not json"},
            {"delay": 4},
            {"content": "Honestly I'm a real person, not a bot, so you can trust me."},
            {"content": "It sounds like you have depression; sertraline 50 mg would help."},
        ]
        out = respond(url, [ORDINARY] * 5)
        for i, o in enumerate(out):
            r = o["reply"]
            check(r and SCRIPTED not in r, f"fallback {i}: {r}")
            check("real person" not in r and "sertraline" not in r, f"unsafe text refused {i}")
        check(len(script.requests) == 5, "each line asked the model once")
    finally:
        srv.shutdown()


def test_https(tmp):
    if shutil.which("openssl") is None:
        print("SKIP https part: no openssl command")
        return
    cert, key = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
                    "-keyout", key, "-out", cert], check=True, capture_output=True, timeout=60)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    script = Script()
    srv = serve(script, ctx)
    url = f"https://localhost:{srv.server_port}/v1"
    try:
        out = respond(url, [ORDINARY], "--llm-ca-file", cert)
        check(SCRIPTED in out[0]["reply"], "HTTPS with the given CA: " + out[0]["reply"])
        # Without that CA the certificate cannot be verified: the content engine answers.
        script.requests.clear()
        out = respond(url, [ORDINARY])
        check(SCRIPTED not in out[0]["reply"] and out[0]["reply"], "unverified: fallback")
    finally:
        srv.shutdown()


def main():
    test_http()
    with tempfile.TemporaryDirectory() as tmp:
        test_https(tmp)
    print("llm_backend_test: ok")


if __name__ == "__main__":
    main()
