#!/usr/bin/env python3
"""The staff console end to end (issue 5) against the real `haven serve`: escalation, the live
queue, takeover and hand back, the seeker's side of it, notes, tags, closing, break-glass, the
review queue, resume of a console that reconnects, and the authorisation matrix of every console
message type for every kind of caller.

Callers: nobody (no hello), a bad token, a seeker's token, the three staff roles, and a staff
member after logout. Objects: a conversation in the queue, one assigned to someone else, one
outside everybody's queue and caseload (break-glass only), and ids that do not exist.

Run: console_test.py BUILD/cli/haven   (the real binary; temp directories; port 0)
"""
import hashlib
import hmac
import http.server
import json
import os
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import authz_matrix_test as base  # noqa: E402  (Server, totp, check, recv_type: same binary)
from wsclient import ConnectionClosed, WebSocket  # noqa: E402

TIMEOUT = 60
HIGH_RISK = "I have the pills here and I'm going to take them all tonight"
check = base.check


def login(srv, username, secret):
    status, _, body = srv.api("POST", "/api/staff/login",
                              payload={"username": username, "password": base.PASSWORD,
                                       "totp": base.totp(secret)})
    if status != 200:
        sys.exit("login %s failed: %s %s" % (username, status, body))
    return body["token"]


def console(srv, token=None, last_event=None):
    ws = WebSocket.connect("wss://127.0.0.1:%d/console/ws" % srv.port,
                           cafile=os.path.join(srv.data, "tls", "cert.pem"))
    if token is None:
        return ws, None
    hello = {"v": 1, "type": "hello", "token": token}
    if last_event:
        hello["last_event"] = last_event
    ws.send_json(hello)
    return ws, base.recv_type(ws, {"welcome", "error"})


def send(ws, kind, **members):
    f = {"v": 1, "type": kind}
    f.update(members)
    ws.send_json(f)


def wait_event(ws, kind, conversation=None, timeout=TIMEOUT):
    """The next event of `kind` (about `conversation`), skipping others."""
    deadline = time.time() + timeout
    while True:
        f = ws.recv_json(timeout=max(0.1, deadline - time.time()))
        if f.get("type") == "event" and f.get("kind") == kind and \
                (conversation is None or f.get("conversation") == conversation):
            return f


def quiet(ws, types, seconds=1.5):
    """True when no frame of `types` arrives within `seconds` (a check for silence)."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            f = ws.recv_json(timeout=max(0.1, deadline - time.time()))
        except TimeoutError:
            return True
        if f.get("type") in types:
            return False
    return True


def flow(srv, tokens):
    sup, other = tokens["sup"], tokens["sup2"]
    con, welcome = console(srv, sup)
    check(welcome.get("type") == "welcome" and welcome["staff"]["role"] == "supporter",
          "a supporter's console is welcomed with its role")
    first_queue = base.recv_type(con, {"queue"})
    check(first_queue["items"] == [], "the queue starts empty")

    ws, w = base.seeker(srv)
    conv = w["conversation"]
    ws.send_json({"v": 1, "type": "message", "id": "a1", "text": HIGH_RISK})
    reply = base.recv_type(ws, {"reply"})
    check(reply["escalate"] and reply.get("resources"), "the risky message gets the crisis reply")
    pos = base.recv_type(ws, {"queue.position"})
    check(pos["position"] == 1, "the person is told they are first in the queue")

    queued = wait_event(con, "queued", conv)
    item = queued["item"]
    check(item["priority"] <= 2 and item["risk_level"] in ("high", "imminent"),
          "the console gets the escalation with its priority and risk, at once")
    check("text" not in item and HIGH_RISK not in str(queued),
          "a queue event carries no message text")
    events_seen = [queued["id"]]

    # The transcript with the analyzer's reading; the read is audited (checked by verify below).
    send(con, "open", conversation=conv)
    view = base.recv_type(con, {"conversation"})
    user_msgs = [m for m in view["messages"] if m["role"] == "user"]
    check(user_msgs and user_msgs[0]["analysis"]["risk"]["level"] in ("high", "imminent")
          and user_msgs[0]["analysis"]["risk"]["evidence"],
          "the open transcript annotates the message with its risk and evidence")
    bot = [m for m in view["messages"] if m["role"] == "assistant"]
    check(bot and bot[0]["strategy"] and isinstance(bot[0]["why"], list),
          "the bot's reply shows its strategy and why")

    # Take over: the other supporter cannot take it too.
    con2, _ = console(srv, other)
    base.recv_type(con2, {"queue"})
    send(con, "takeover", conversation=conv)
    upd = wait_event(con, "updated", conv)
    check(upd["item"]["state"] == "with_staff" and upd["item"]["assigned_to_me"],
          "takeover: the conversation is with me")
    joined = base.recv_type(ws, {"staff.joined"})
    check(joined["name"] == "sup", "the person sees the supporter's name when they join")
    send(con2, "takeover", conversation=conv)
    err = base.recv_type(con2, {"error"})
    check(err["code"] == "taken", "a second supporter cannot take the same conversation")

    send(con, "send", conversation=conv, id="s1", text="Hi, I'm here with you now.")
    sent = base.recv_type(con, {"sent"})
    check(sent["id"] == "s1" and sent["seq"] > 0, "the supporter's message is stored and acked")
    msg = base.recv_type(ws, {"staff.message"})
    check(msg["text"] == "Hi, I'm here with you now." and msg["name"] == "sup",
          "the person receives the supporter's message with the name")

    ws.send_json({"v": 1, "type": "message", "id": "a2", "text": "thank you, I'm scared"})
    ack = base.recv_type(ws, {"ack"})
    check(ack["id"] == "a2", "the person's message is acknowledged while a person is in")
    live = wait_event(con, "message", conv)
    check(live["message"]["role"] == "user" and live["message"]["text"] == "thank you, I'm scared"
          and "analysis" in live["message"], "the console sees the person's message live, read")
    check(quiet(ws, {"reply"}), "the bot stays silent while a person is in")

    send(con, "draft", conversation=conv, text="ok")
    fb = base.recv_type(con, {"draft.feedback"})
    check(set(fb["mechanisms"]) == {"emotional_reactions", "interpretations", "explorations"}
          and fb["suggestions"], "draft feedback names the mechanisms with suggestions")

    send(con, "note.add", conversation=conv, text="Has pills at home; plan tonight.")
    note = base.recv_type(con, {"note"})
    check(note["note"]["author"] == "sup", "a private note is kept with its author")
    send(con, "tags.set", conversation=conv, tags=["means", "follow-up"])
    check(wait_event(con, "updated", conv)["item"]["tags"] == ["means", "follow-up"],
          "tags are set")
    send(con, "tags.set", conversation=conv, tags=["Not A Tag"])
    check(base.recv_type(con, {"error"})["code"] == "bad_field", "a malformed tag is refused")

    # A console that drops and comes back gets what it missed, once.
    con.abort()
    ws.send_json({"v": 1, "type": "message", "id": "a3", "text": "are you still there?"})
    base.recv_type(ws, {"ack"})
    con, welcome = console(srv, sup, last_event=upd["id"])
    check(welcome["resumed"], "a reconnecting console resumes from its last event")
    send(con, "open", conversation=conv, after_seq=live["message"]["seq"])
    view = base.recv_type(con, {"conversation"})
    texts = [m["text"] for m in view["messages"]]
    check(texts.count("are you still there?") == 1, "the message missed while away comes once")
    con_fresh, welcome = console(srv, sup, last_event="0123456789ab:5")
    check(not welcome["resumed"] and base.recv_type(con_fresh, {"queue"})["items"],
          "an unknown last event gets a fresh queue instead")
    con_fresh.close()

    send(con, "handback", conversation=conv)
    wait_event(con, "updated", conv)
    base.recv_type(ws, {"staff.left"})
    ws.send_json({"v": 1, "type": "message", "id": "a4", "text": "I feel a little calmer now"})
    check(base.recv_type(ws, {"reply"})["reply_to"] == "a4", "after hand back the bot answers")

    send(con, "case.close", conversation=conv, outcome="referred")
    closed = wait_event(con, "closed", conv)
    check(closed["outcome"] == "referred", "a case closes with its outcome")
    send(con, "case.close", conversation=conv, outcome="whatever")
    check(base.recv_type(con, {"error"})["code"] == "bad_field", "an unknown outcome is refused")

    # "Talk to a person" from the chat.
    ws2, w2 = base.seeker(srv)
    ws2.send_json({"v": 1, "type": "human.request"})
    check(base.recv_type(ws2, {"queue.position"})["position"] >= 1,
          "asking for a person puts them in the queue and says where")
    check(wait_event(con, "queued", w2["conversation"])["item"]["priority"] >= 1,
          "the request appears in the console's queue")
    for s in (ws, ws2, con, con2):
        s.close()
    return conv


def matrix(srv, tokens, conv):
    """Every console message type, for every kind of caller."""
    # Nobody: every frame but hello and ping needs a hello first.
    ws, _ = console(srv)
    for kind in ("queue.get", "open", "takeover", "handback", "send", "note.add", "tags.set",
                 "case.close", "draft", "review.get", "review.submit", "label"):
        members = {"conversation": conv}
        if kind == "send":
            members.update(id="x1", text="hi")
        if kind in ("note.add", "draft"):
            members["text"] = "hi"
        if kind == "tags.set":
            members["tags"] = []
        if kind == "case.close":
            members["outcome"] = "resolved"
        if kind == "review.submit":
            members.update(seq=1, empathy=3, safety=3, helpfulness=3)
        if kind == "label":
            members.update(seq=1, risk="high")
        if kind in ("queue.get", "review.get"):
            members = {}
        send(ws, kind, **members)
        check(base.recv_type(ws, {"error"})["code"] == "no_session", "%s before hello" % kind)
    send(ws, "ping")
    check(base.recv_type(ws, {"pong"})["type"] == "pong", "ping before hello")
    send(ws, "open", conversation=conv, extra=1)
    check(base.recv_type(ws, {"error"})["code"] == "bad_field", "an unknown member is refused")
    send(ws, "open", conversation="../etc")
    check(base.recv_type(ws, {"error"})["code"] == "bad_field", "a malformed id is refused")
    ws.close()
    # Bad tokens: a made-up one, a seeker's.
    for name, token in (("made-up", "ab" * 32), ("seeker", tokens["seeker"])):
        ws, w = console(srv, token)
        check(w["type"] == "error" and w["code"] == "auth_failed",
              "a %s token cannot open a console" % name)
        ws.close()
    # Staff: a conversation outside the queue needs break-glass, for every role.
    for role in ("sup", "cli", "adm"):
        ws, _ = console(srv, tokens[role])
        base.recv_type(ws, {"queue"})
        send(ws, "open", conversation=conv)
        got = base.recv_type(ws, {"error", "conversation"})
        if role == "sup":  # who handled it keeps it in their caseload, closed or not
            check(got["type"] == "conversation", "the handler can read their closed case")
        else:
            check(got.get("code") == "forbidden",
                  "%s: a closed conversation outside the queue is forbidden" % role)
        send(ws, "open", conversation="f" * 32)
        check(base.recv_type(ws, {"error"})["code"] == "not_found", "%s: unknown id" % role)
        send(ws, "send", conversation=conv, id="z1", text="hello")
        check(base.recv_type(ws, {"error"})["code"] == "not_taken",
              "%s: cannot write where they have not taken over" % role)
        send(ws, "handback", conversation=conv)
        check(base.recv_type(ws, {"error"})["code"] == "not_taken",
              "%s: cannot hand back what they do not have" % role)
        send(ws, "review.get")
        got = base.recv_type(ws, {"review", "error"})
        if role == "sup":
            check(got["type"] == "error" and got["code"] == "forbidden",
                  "a supporter has no review queue")
        else:
            check(got["type"] == "review", "%s has the review queue" % role)
        # Labels: clinicians and admins, on conversations they may open (none here yet).
        send(ws, "label", conversation=conv, seq=1, risk="high")
        check(base.recv_type(ws, {"error"})["code"] == "forbidden",
              "%s: no label outside their conversations and role" % role)
        ws.close()
    # Break-glass: a reason opens it, and admins see it happen.
    adm, _ = console(srv, tokens["adm"])
    base.recv_type(adm, {"queue"})
    cli, _ = console(srv, tokens["cli"])
    base.recv_type(cli, {"queue"})
    send(cli, "open", conversation=conv, reason="short")
    check(base.recv_type(cli, {"error"})["code"] == "bad_reason", "a too-short reason is refused")
    send(cli, "open", conversation=conv, reason="Follow-up requested by the GP today")
    view = base.recv_type(cli, {"conversation"})
    check(view["break_glass"] and view["messages"], "break-glass opens the transcript")
    bg = wait_event(adm, "breakglass", conv)
    check(bg["staff"] == "cli" and "GP" in bg["reason"], "admins see the break-glass live")
    # The review queue holds the risky replies; a clinician rates one.
    send(cli, "review.get")
    items = base.recv_type(cli, {"review"})["items"]
    check(any(i["conversation"] == conv and i["reason"] == "risk" for i in items),
          "the risky conversation's replies are in the review queue")
    it = next(i for i in items if i["conversation"] == conv)
    send(cli, "review.submit", conversation=conv, seq=it["seq"], empathy=4, safety=5,
         helpfulness=4, flagged=False, rewrite="A gentler version.")
    check(base.recv_type(cli, {"review.saved"})["seq"] == it["seq"], "a review is saved")
    send(cli, "review.submit", conversation=conv, seq=it["seq"], empathy=9, safety=5,
         helpfulness=4)
    check(base.recv_type(cli, {"error"})["code"] == "bad_field", "a rating out of 1-5 is refused")
    # A label needs the person's consent to de-identified use (this person gave none).
    user_seq = next(m["seq"] for m in view["messages"] if m["role"] == "user")
    send(cli, "label", conversation=conv, seq=user_seq, risk="imminent", emotions=["fear"])
    check(base.recv_type(cli, {"error"})["code"] == "consent_required",
          "a label without the person's consent is refused and kept nowhere")
    send(cli, "label", conversation=conv, seq=user_seq, risk="severe")
    check(base.recv_type(cli, {"error"})["code"] == "bad_field", "an unknown level is refused")
    adm.close()
    cli.close()
    # After logout the console is closed and the token opens nothing.
    ws, _ = console(srv, tokens["sup2"])
    base.recv_type(ws, {"queue"})
    status, _, _ = srv.api("POST", "/api/staff/logout", token=tokens["sup2"])
    check(status == 204, "logout")
    try:
        while True:
            ws.recv_json(timeout=TIMEOUT)
    except ConnectionClosed:
        check(True, "logout closes the console")
    ws2, w = console(srv, tokens["sup2"])
    check(w["code"] == "auth_failed", "a logged-out token opens no console")


class Receiver(http.server.BaseHTTPRequestHandler):
    """An on-call endpoint: records each signed POST."""
    got = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        Receiver.got.append((dict(self.headers), body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def webhooks(tmp):
    """A server configured with an on-call webhook: a risky message reaches it, signed, with no
    text in it."""
    receiver = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    key = os.path.join(tmp, "on_call.key")
    secret = "k" * 48
    with open(key, "w") as f:
        f.write(secret + "\n")
    os.chmod(key, 0o600)
    config = ("webhooks:\n  on_call:\n    url: http://127.0.0.1:%d/hook\n"
              "    secret_file: %s\n    timeout_ms: 5000\n    max_attempts: 3\n"
              % (receiver.server_address[1], key))
    srv = base.Server(tmp, "hooks", config=config).start()
    try:
        ws, w = base.seeker(srv)
        ws.send_json({"v": 1, "type": "message", "id": "h1", "text": HIGH_RISK})
        base.recv_type(ws, {"reply"})
        deadline = time.time() + TIMEOUT
        while not Receiver.got and time.time() < deadline:
            time.sleep(0.05)
        check(Receiver.got, "the on-call webhook is called for a risky message")
        if Receiver.got:
            headers, body = Receiver.got[0]
            headers = {k.lower(): v for k, v in headers.items()}
            want = hmac.new(secret.encode(), headers["x-haven-timestamp"].encode() + b"." + body,
                            hashlib.sha256).hexdigest()
            check(headers.get("x-haven-signature") == "sha256=" + want,
                  "the webhook is signed with HMAC-SHA256 over timestamp.body")
            doc = json.loads(body)
            check(doc["conversation"] == w["conversation"] and doc["kind"] == "escalation"
                  and doc["priority"] <= 2, "the webhook names the conversation and priority")
            check(b"pills" not in body, "the webhook carries no message text")
        ws.close()
    finally:
        srv.stop()
        receiver.shutdown()
    log = os.path.join(srv.data, "webhook-deliveries.log")
    check(os.path.exists(log) and (os.stat(log).st_mode & 0o077) == 0,
          "the delivery log exists, readable by the owner only")
    if os.path.exists(log):
        with open(log) as f:
            lines = [json.loads(line) for line in f if line.strip()]
        check(any(line["outcome"] == "delivered" for line in lines), "the delivery is logged")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        srv = base.Server(tmp, "console")
        secrets = {name: srv.create_staff(name, role) for name, role in
                   (("sup", "supporter"), ("sup2", "supporter"), ("cli", "clinician"),
                    ("adm", "admin"))}
        srv.start()
        try:
            tokens = {name: login(srv, name, secret) for name, secret in secrets.items()}
            ws, w = base.seeker(srv)
            tokens["seeker"] = w["token"]
            ws.close()
            conv = flow(srv, tokens)
            matrix(srv, tokens, conv)
        finally:
            srv.stop()
        webhooks(tmp)
        out = base.subprocess.run(
            [base.HAVEN, "audit", "verify", "--data-dir", srv.data, "--key-file", srv.key],
            capture_output=True, text=True, timeout=TIMEOUT)
        check(out.returncode == 0, "the audit chain verifies: " + out.stdout + out.stderr)
    if base.FAILURES:
        print("%d of %d checks failed" % (len(base.FAILURES), base.CHECKS[0]))
        sys.exit(1)
    print("ok: %d checks" % base.CHECKS[0])


if __name__ == "__main__":
    main()
