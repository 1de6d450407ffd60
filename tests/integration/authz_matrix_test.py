#!/usr/bin/env python3
"""Authorisation matrix of `haven serve` (issue 4): every HTTP route and every WebSocket message
type, for every kind of caller, is answered as docs/protocol.md says, and no frame can name
someone else's object.

Callers: nobody (no session), a seeker (their own token), a seeker whose token was revoked, the
three staff roles (supporter, clinician, admin, signed in through /api/staff/login with a real
password and TOTP code), a staff member after logout, and a client on a non-loopback address
(when this machine has one). Objects: the only handle a frame can carry is a session token;
frames that try to name an account or a conversation are refused (`bad_field`), and each
seeker's privacy summary and export hold only their own account.

A second server, started with --config, checks the abuse limits end to end: a seeker account's
rate over two tabs, an address's rate over two accounts, and the per-address connection cap.

Run: authz_matrix_test.py BUILD/cli/haven   (the real binary; temp directories; port 0)
"""
import base64
import hashlib
import hmac
import http.client
import json
import os
import socket
import ssl
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from wsclient import ConnectionClosed, HandshakeError, WebSocket  # noqa: E402

HAVEN = sys.argv[1]
TIMEOUT = 60
PASSWORD = "correct horse battery staple"
FAILURES = []
CHECKS = [0]

# Every client frame type of protocol v1 with a valid example (docs/protocol.md).
FRAMES = {
    "hello": {},
    "message": {"id": "m-1", "text": "hello there"},
    "ping": {},
    "logout": {},
    "privacy.get": {},
    "consent.set": {"kind": "analytics", "granted": False},
    "retention.set": {"days": 0},
    "export": {},
    "erase": {"confirm": "erase everything"},
    "mood": {"value": 3},
    "history.get": {},
    "human.request": {},
}
# The answer each one gets from a seeker with a live session (erase and logout end it).
SEEKER_ANSWER = {
    "message": "ack",
    "ping": "pong",
    "privacy.get": "privacy",
    "consent.set": "privacy",
    "retention.set": "privacy",
    "export": "export",
    "mood": "mood.saved",
    "history.get": "history",
}


def check(cond, what):
    CHECKS[0] += 1
    if not cond:
        FAILURES.append(what)
        print("FAIL:", what, flush=True)
    return cond


def totp(secret_b32, at=None):
    """RFC 6238: HMAC-SHA1, 30-second steps, 6 digits."""
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    step = int((time.time() if at is None else at) // 30)
    mac = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    code = (struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF) % 1000000
    return "%06d" % code


def primary_address():
    """This machine's non-loopback IPv4 address, or None (no packet is sent)."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("10.255.255.255", 1))
            ip = s.getsockname()[0]
        return None if ip.startswith("127.") else ip
    except OSError:
        return None


class Server:
    """`haven serve` on 0.0.0.0 port 0 in `tmp`, reachable over loopback and the primary IP."""

    def __init__(self, tmp, name, config=None):
        self.data = os.path.join(tmp, name, "data")
        self.key = os.path.join(tmp, name, "keys", "haven.key")
        args = [HAVEN, "serve", "--data-dir", self.data, "--key-file", self.key,
                "--listen", "0.0.0.0:0"]
        if config:
            path = os.path.join(tmp, name + ".yaml")
            with open(path, "w") as f:
                f.write(config)
            args += ["--config", path]
        self.args = args

    def create_staff(self, username, role):
        out = subprocess.run(
            [HAVEN, "admin", "create-user", "--data-dir", self.data, "--key-file", self.key,
             "--username", username, "--role", role],
            input=PASSWORD + "\n", capture_output=True, text=True, timeout=TIMEOUT)
        if out.returncode != 0:
            sys.exit("create-user %s failed: %s" % (username, out.stderr))
        return next(l.split(":", 1)[1].strip() for l in out.stdout.splitlines()
                    if l.startswith("secret:"))

    def start(self):
        self.proc = subprocess.Popen(self.args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True)
        url = self.proc.stdout.readline().strip()
        if not url.startswith("https://"):
            self.proc.kill()
            sys.exit("the server did not start: " + self.proc.stderr.read())
        self.port = int(url.rstrip("/").rsplit(":", 1)[1])
        self.ctx = ssl.create_default_context(cafile=os.path.join(self.data, "tls", "cert.pem"))
        self.ctx.check_hostname = False
        return self

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def http(self, method, path, body=None, headers=None, host="127.0.0.1"):
        """(status, headers, body bytes) of one request on a fresh connection."""
        conn = http.client.HTTPSConnection(host, self.port, context=self.ctx, timeout=TIMEOUT)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            r = conn.getresponse()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
        finally:
            conn.close()

    def api(self, method, path, token=None, payload=None, headers=None, host="127.0.0.1"):
        h = dict(headers or {})
        if token:
            h["Authorization"] = "Bearer " + token
        body = None
        if payload is not None:
            body = payload if isinstance(payload, (bytes, str)) else json.dumps(payload)
            h.setdefault("Content-Type", "application/json")
        status, hdrs, raw = self.http(method, path, body, h, host)
        try:
            return status, hdrs, json.loads(raw) if raw else None
        except ValueError:
            return status, hdrs, raw

    def ws(self, host="127.0.0.1", origin=None):
        return WebSocket.connect("wss://%s:%d/ws" % (host, self.port), origin=origin,
                                 cafile=os.path.join(self.data, "tls", "cert.pem"))


def frame(kind, **extra):
    f = {"v": 1, "type": kind}
    f.update(FRAMES[kind])
    f.update(extra)
    return f


def recv_type(ws, want_types, timeout=TIMEOUT):
    """The next frame whose type is in want_types, skipping replies and the like."""
    deadline = time.time() + timeout
    while True:
        f = ws.recv_json(timeout=max(0.1, deadline - time.time()))
        if f.get("type") in want_types:
            return f


def seeker(server, host="127.0.0.1", token=None):
    ws = server.ws(host)
    hello = {"v": 1, "type": "hello"}
    if token:
        hello["token"] = token
    ws.send_json(hello)
    w = recv_type(ws, {"welcome", "error"})
    return ws, w


# ---- HTTP routes --------------------------------------------------------------------------

def http_matrix(srv, staff_tokens, seeker_token, far):
    for method in ("GET", "HEAD"):
        status, hdrs, _ = srv.http(method, "/healthz")
        check(status == 200 and hdrs.get("cache-control") == "no-store",
              "%s /healthz is 200 with the security headers" % method)
    status, _, body = srv.http("GET", "/metrics")
    check(status == 200 and b"haven_connections_refused_total" in body, "/metrics from loopback")
    if far:
        status, _, _ = srv.http("GET", "/metrics", host=far)
        check(status == 404, "/metrics from a non-loopback address is 404")
    for method in ("TRACE", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"):
        status, hdrs, _ = srv.http(method, "/")
        check(status == 405 and "allow" in hdrs, "%s / is 405 with Allow" % method)
    status, _, _ = srv.http("GET", "/ws")
    check(status == 426, "GET /ws without an upgrade is 426")
    for path in ("/../etc/passwd", "/%2e%2e/etc/passwd", "/.hidden", "/nonexistent.html"):
        status, _, _ = srv.http("GET", path)
        check(status == 404, "GET %s is 404" % path)
    status, _, _ = srv.http("GET", "/")
    check(status == 200, "GET / serves the chat page")

    # The staff API: who may call what.
    check(srv.api("GET", "/api/staff/me")[0] == 401, "me without a token is 401")
    check(srv.api("GET", "/api/staff/me", token=seeker_token)[0] == 401,
          "me with a seeker's token is 401")
    check(srv.api("GET", "/api/staff/me", token="0" * 64)[0] == 401, "me with an unknown token")
    status, _, body = srv.api("GET", "/api/staff/me", headers={"Authorization": "Bearer short"})
    check(status == 401, "me with a malformed token is 401")
    for role, token in staff_tokens.items():
        status, _, body = srv.api("GET", "/api/staff/me", token=token)
        check(status == 200 and body.get("role") == role and "token" not in body,
              "me as %s answers that role and no token" % role)
        if far:
            status, _, body = srv.api("GET", "/api/staff/me", token=token, host=far)
            check(status == 200, "me as %s from a non-loopback address" % role)
    check(srv.api("POST", "/api/staff/me")[0] == 405, "POST me is 405")
    check(srv.api("GET", "/api/staff/login")[0] == 405, "GET login is 405")
    check(srv.api("GET", "/api/staff/logout")[0] == 405, "GET logout is 405")
    check(srv.api("GET", "/api/staff/other")[0] == 404, "an unknown staff route is 404")
    status, _, body = srv.api("POST", "/api/staff/login",
                              payload={"username": "sup", "password": "wrong password!!",
                                       "totp": "000000"})
    check(status == 401 and body == {"error": "invalid_credentials"}, "a wrong password is 401")
    status, _, body = srv.api("POST", "/api/staff/login",
                              payload={"username": "nobody", "password": PASSWORD,
                                       "totp": "000000"})
    check(status == 401 and body == {"error": "invalid_credentials"},
          "an unknown user gets the same 401")
    status, _, _ = srv.api("POST", "/api/staff/login", payload="username=sup",
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
    check(status == 415, "a form post to login is 415")
    status, _, _ = srv.api("POST", "/api/staff/login", payload={"username": "sup"})
    check(status == 400, "a login without password and code is 400")
    status, _, _ = srv.api("POST", "/api/staff/login",
                           payload={"username": "sup", "password": PASSWORD, "totp": "1",
                                    "role": "admin"})
    check(status == 400, "a login naming a role is 400")
    status, _, body = srv.api("GET", "/api/staff/me", token=staff_tokens["supporter"],
                              headers={"Origin": "https://evil.example"})
    check(status == 403 and body == {"error": "origin_not_allowed"},
          "a staff call from a foreign origin is 403")
    # The admin API: admins only; everyone else refused.
    check(srv.api("GET", "/api/admin/insights")[0] == 401, "insights without a token is 401")
    check(srv.api("GET", "/api/admin/insights", token=seeker_token)[0] == 401,
          "insights with a seeker's token is 401")
    for role, token in staff_tokens.items():
        status, _, body = srv.api("GET", "/api/admin/insights", token=token)
        if role == "admin":
            check(status == 200 and body.get("privacy", {}).get("counted") ==
                  "people who allow analytics", "insights as admin is the release")
        else:
            check(status == 403 and body == {"error": "forbidden"},
                  "insights as %s is 403 forbidden" % role)
    check(srv.api("GET", "/api/admin/other", token=staff_tokens["admin"])[0] == 404,
          "an unknown admin route is 404")
    check(srv.api("POST", "/api/admin/insights", token=staff_tokens["admin"])[0] == 405,
          "POST insights is 405")
    status, _, body = srv.api("GET", "/api/admin/insights", token=staff_tokens["admin"],
                              headers={"Origin": "https://evil.example"})
    check(status == 403 and body == {"error": "origin_not_allowed"},
          "an admin call from a foreign origin is 403")
    # The model registry: admins read it and change it; nobody else.
    for role, token in staff_tokens.items():
        status, _, body = srv.api("GET", "/api/admin/models", token=token)
        if role == "admin":
            check(status == 200 and body.get("active") == "shipped" and
                  body.get("running") == "shipped", "the registry as admin")
        else:
            check(status == 403 and body == {"error": "forbidden"},
                  "the registry as %s is 403 forbidden" % role)
        status, _, body = srv.api("POST", "/api/admin/models/approve", token=token,
                                  payload={"version": "risk-x"})
        if role == "admin":
            check(status == 404, "approving an unknown version is 404")
        else:
            check(status == 403, "approving as %s is 403" % role)
    admin = staff_tokens["admin"]
    check(srv.api("POST", "/api/admin/models/rollback", token=admin,
                  payload={"version": "shipped"})[0] == 409,
          "rolling back to what is active is 409")
    check(srv.api("POST", "/api/admin/models/approve", token=admin, payload={"v": 1})[0] == 400,
          "a malformed change is 400")
    check(srv.api("POST", "/api/admin/models/approve", token=admin, payload="x",
                  headers={"Content-Type": "text/plain"})[0] == 415,
          "a change that is not JSON is 415")
    check(srv.api("GET", "/api/admin/models/approve", token=admin)[0] == 405,
          "GET on a change is 405")
    check(srv.api("POST", "/api/admin/models", token=admin)[0] == 405, "POST models is 405")
    check(srv.api("POST", "/api/admin/models/approve", payload={"version": "x"})[0] == 401,
          "a change without a token is 401")
    for path in ("/api/staff/me", "/api/staff/login", "/api/admin/insights"):
        status, hdrs, _ = srv.http("GET", path)
        check(hdrs.get("cache-control") == "no-store" and "content-security-policy" in hdrs,
              "%s carries the security headers" % path)


# ---- WebSocket frames ---------------------------------------------------------------------

def ws_matrix(srv, staff_tokens):
    # Nobody: everything but hello and ping needs a session.
    ws = srv.ws()
    for kind in FRAMES:
        if kind in ("hello",):
            continue
        ws.send_json(frame(kind))
        f = ws.recv_json(timeout=TIMEOUT)
        if kind == "ping":
            check(f.get("type") == "pong", "ping before hello is answered")
        else:
            check(f.get("type") == "error" and f.get("code") == "no_session",
                  "%s before hello is no_session (got %s)" % (kind, f))
    ws.close()

    # Staff tokens, unknown and malformed tokens never open the seeker's path.
    for role, token in list(staff_tokens.items()) + [("unknown", "f" * 64)]:
        ws, w = seeker(srv, token=token)
        check(w.get("type") == "error" and w.get("code") == "auth_failed",
              "hello with a %s token is auth_failed" % role)
        ws.send_json(frame("export"))
        f = ws.recv_json(timeout=TIMEOUT)
        check(f.get("code") == "no_session", "no session after a refused %s hello" % role)
        ws.close()

    # Two seekers: each sees only their own account, and no frame can name another object.
    ws_a, wa = seeker(srv)
    ws_b, wb = seeker(srv)
    check(wa.get("type") == "welcome" and wb.get("type") == "welcome", "two seekers welcomed")
    for kind, want in SEEKER_ANSWER.items():
        ws_a.send_json(frame(kind))
        f = recv_type(ws_a, {want, "error"})
        check(f.get("type") == want, "%s from a seeker is answered with %s (got %s)"
              % (kind, want, f.get("type")))
    for kind in FRAMES:
        for member, value in (("account", wb["account"]), ("conversation", wb["conversation"]),
                              ("account_id", wb["account"]), ("token", "a" * 64)):
            if kind == "hello" and member == "token":
                continue
            ws_a.send_json(frame(kind, **{member: value}))
            f = recv_type(ws_a, {"error", "welcome", "ack", "privacy", "export", "erased",
                                 "bye", "pong", "mood.saved", "history"})
            expected = "already_hello" if kind == "hello" else "bad_field"
            check(f.get("type") == "error" and f.get("code") in (expected, "bad_field"),
                  "%s naming %s is refused (got %s)" % (kind, member, f))
    ws_b.send_json(frame("human.request"))
    check(recv_type(ws_b, {"queue.position", "error"}).get("type") == "queue.position",
          "human.request from a seeker is answered with queue.position")
    ws_a.send_json(frame("privacy.get"))
    pa = recv_type(ws_a, {"privacy"})
    check(pa.get("account") == wa["account"], "privacy answers the caller's own account")
    ws_a.send_json(frame("export"))
    ea = recv_type(ws_a, {"export"})
    dump = json.dumps(ea)
    check(wb["account"] not in dump and wb["conversation"] not in dump,
          "an export holds nothing of another seeker")

    # A revoked token: logout on one tab ends the other, and the token opens nothing again.
    ws_a2, w = seeker(srv, token=wa["token"])
    check(w.get("type") == "welcome" and w.get("resumed"), "a second tab resumes")
    ws_a.send_json(frame("logout"))
    check(recv_type(ws_a, {"bye"}).get("reason") == "logged out", "logout says bye")
    try:
        f = recv_type(ws_a2, {"bye"})
        check(f.get("reason") == "logged out", "the other tab is told")
    except (ConnectionClosed, TimeoutError):
        check(False, "the other tab gets bye before its close")
    ws_r, w = seeker(srv, token=wa["token"])
    check(w.get("code") == "auth_failed", "a revoked token is auth_failed")
    ws_r.close()

    # Erase ends the account's other connections and leaves the other seeker untouched.
    ws_b2, w = seeker(srv, token=wb["token"])
    ws_b.send_json(frame("erase"))
    check(recv_type(ws_b, {"erased", "error"}).get("type") == "erased", "erase answers erased")
    check(recv_type(ws_b2, {"bye"}).get("reason") == "account erased", "the other tab is ended")
    ws_c, w = seeker(srv, token=wb["token"])
    check(w.get("code") == "auth_failed", "an erased account's token is auth_failed")
    ws_c.close()


def staff_logout(srv, staff_tokens):
    token = staff_tokens["supporter"]
    status, _, _ = srv.api("POST", "/api/staff/logout", token=token)
    check(status == 204, "staff logout is 204")
    check(srv.api("GET", "/api/staff/me", token=token)[0] == 401, "after logout me is 401")
    check(srv.api("POST", "/api/staff/logout")[0] == 401, "logout without a token is 401")


# ---- Abuse limits (a second server with a config file) -------------------------------------

LIMITS = """
limits:
  messages_per_minute: 600
  message_burst: 50
  account_messages_per_minute: 0.1
  account_message_burst: 4
  address_messages_per_minute: 0.1
  address_message_burst: 12
  max_connections_per_address: 6
"""


def count_refused(ws, n, prefix):
    """Sends n messages; returns how many were refused with rate_limited."""
    refused = 0
    for i in range(n):
        ws.send_json({"v": 1, "type": "message", "id": "%s-%d" % (prefix, i), "text": "hi"})
        f = recv_type(ws, {"ack", "error"})
        if f.get("type") == "error":
            check(f.get("code") == "rate_limited", "refusal code is rate_limited: %s" % f)
            refused += 1
    return refused


def limits(tmp, far):
    srv = Server(tmp, "limits", LIMITS).start()
    try:
        # One account over two tabs shares one bucket of 4 (loopback is exempt only from the
        # per-address limits).
        t1, w = seeker(srv)
        t2, _ = seeker(srv, token=w["token"])
        sent = count_refused(t1, 3, "a") + count_refused(t2, 3, "b")
        check(sent == 2, "an account's 4 messages are shared by its tabs (refused %d of 6)" % sent)
        t1.close()
        t2.close()
        if not far:
            print("skip: no non-loopback address here; per-address limits untested", flush=True)
            return
        # One address over three accounts shares one bucket of 12 (three hellos, then nine
        # messages), and holds at most 6 connections.
        conns = [seeker(srv, host=far)[0] for _ in range(3)]
        refused = sum(count_refused(c, 4, "c%d" % i) for i, c in enumerate(conns))
        check(refused == 3, "an address's bucket is shared by its accounts (refused %d of 12)"
              % refused)
        extra = [srv.ws(host=far) for _ in range(3)]  # 6 open now
        try:
            srv.ws(host=far).send_json({"v": 1, "type": "ping"})
            check(False, "a 7th connection from one address is refused")
        except (HandshakeError, ConnectionClosed, OSError, TimeoutError, ssl.SSLError):
            pass
        for c in conns + extra:
            c.abort()
        status, _, body = srv.http("GET", "/metrics")
        check(b"haven_connections_refused_total 1" in body, "the refusal is counted")
    finally:
        srv.stop()


def main():
    far = primary_address()
    print("non-loopback address:", far or "none (those cells are skipped)", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        srv = Server(tmp, "main")
        secrets = {role: srv.create_staff(role[:3], role)
                   for role in ("supporter", "clinician", "admin")}
        srv.start()
        try:
            staff_tokens = {}
            for role, secret in secrets.items():
                status, _, body = srv.api("POST", "/api/staff/login",
                                          payload={"username": role[:3], "password": PASSWORD,
                                                   "totp": totp(secret)},
                                          host=far or "127.0.0.1")
                if not check(status == 200 and body.get("role") == role,
                             "%s signs in (%s %s)" % (role, status, body)):
                    sys.exit(1)
                check(len(body["token"]) == 64 and body["expires_at"] > time.time() * 1000,
                      "a 256-bit token with an expiry")
                staff_tokens[role] = body["token"]
            ws, w = seeker(srv)
            ws.close()
            http_matrix(srv, staff_tokens, w["token"], far)
            ws_matrix(srv, staff_tokens)
            staff_logout(srv, staff_tokens)
        finally:
            srv.stop()
        err = srv.proc.stderr.read()
        check(PASSWORD not in err and "hello there" not in err, "nothing personal on stderr")
        limits(tmp, far)
    if FAILURES:
        print("%d failures" % len(FAILURES))
        sys.exit(1)
    print("ok: %d checks" % CHECKS[0])


if __name__ == "__main__":
    main()
