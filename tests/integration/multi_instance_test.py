#!/usr/bin/env python3
"""Two `haven serve` instances on one PostgreSQL database (issue 6), against a throwaway cluster
this test starts itself, as a load balancer would spread people over them:

  a supporter's console on instance B, a seeker on instance A;
  the seeker writes something risky on A  -> B's console gets the escalation at once;
  B takes over                            -> the seeker on A is told a person joined;
  B writes, the seeker answers on A       -> each side receives the other's message;
  B hands back; the seeker writes on A and A is killed with SIGKILL before it answers
                                          -> the seeker reconnects to B, resends what was not
                                             acknowledged, and loses nothing: every message
                                             is stored once and answered exactly once;
  a PHQ-9 half answered on D, D killed      -> a fresh instance C asks the next question.

Exit 77 (skip) when the PostgreSQL server binaries are not installed (see postgres_serve_test.py).

Run: multi_instance_test.py BUILD/cli/haven
"""
import http.client
import json
import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import postgres_serve_test as pgs  # noqa: E402  (Cluster, Server, haven, check, skip)
from authz_matrix_test import PASSWORD, totp  # noqa: E402
from wsclient import WebSocket  # noqa: E402

TIMEOUT = 60
HIGH_RISK = "I have the pills here and I'm going to take them all tonight"
check = pgs.check


def login(port, username, secret):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        conn.request("POST", "/api/staff/login",
                     body=json.dumps({"username": username, "password": PASSWORD,
                                      "totp": totp(secret)}),
                     headers={"Content-Type": "application/json"})
        r = conn.getresponse()
        body = r.read()
        check(r.status == 200, "staff login on the instance: %s %s" % (r.status, body[:200]))
        return json.loads(body)["token"]
    finally:
        conn.close()


def recv_type(ws, types, timeout=TIMEOUT):
    deadline = time.time() + timeout
    while True:
        f = ws.recv_json(timeout=max(0.1, deadline - time.time()))
        if f.get("type") in types:
            return f


def wait_event(ws, kind, conversation):
    deadline = time.time() + TIMEOUT
    while True:
        f = ws.recv_json(timeout=max(0.1, deadline - time.time()))
        if f.get("type") == "event" and f.get("kind") == kind and \
                f.get("conversation") == conversation:
            return f


def say(ws, mid, text):
    ws.send_json({"v": 1, "type": "message", "id": mid, "text": text})


def main():
    bindir = pgs.find_bindir()
    if not bindir:
        pgs.skip("no PostgreSQL server binaries under /usr/lib/postgresql/*/bin")
    cluster = pgs.Cluster(bindir)
    tmp = tempfile.mkdtemp(prefix="haven-multi-")
    servers = []
    try:
        cluster.start()
        cluster.psql("postgres", "CREATE ROLE haven LOGIN PASSWORD '%s'" % pgs.DB_PASSWORD)
        cluster.psql("postgres", "CREATE DATABASE haven OWNER haven")
        cluster.psql("postgres", "CREATE DATABASE haven_keys OWNER haven")
        where = ["--store", cluster.url("haven"), "--keys-store", cluster.url("haven_keys")]
        key_file = os.path.join(tmp, "haven.key")  # both instances share the KEK, as deployed
        check(pgs.haven("migrate", *where).returncode == 0, "migrate")
        made = pgs.haven("admin", "create-user", *where, "--key-file", key_file, "--username",
                         "sup", "--role", "supporter", stdin=PASSWORD + "\n")
        check(made.returncode == 0, "create-user: " + made.stderr)
        secret = next(l.split(":", 1)[1].strip() for l in made.stdout.splitlines()
                      if l.startswith("secret:"))

        def start(name):
            data = os.path.join(tmp, name)
            s = pgs.Server([*where, "--key-file", key_file, "--data-dir", data,
                            "--insecure-http", "--listen", "127.0.0.1:0"])
            servers.append(s)
            return s

        a, b = start("a"), start("b")
        check(a.port != b.port, "two instances")

        con = WebSocket.connect("ws://127.0.0.1:%d/console/ws" % b.port)
        con.send_json({"v": 1, "type": "hello", "token": login(b.port, "sup", secret)})
        check(recv_type(con, {"welcome", "error"})["type"] == "welcome", "console on B")
        recv_type(con, {"queue"})

        ws = a.ws()
        ws.send_json({"v": 1, "type": "hello"})
        w = recv_type(ws, {"welcome", "error"})
        check(w["type"] == "welcome", "seeker on A")
        token, conv = w["token"], w["conversation"]
        say(ws, "a1", HIGH_RISK)
        check(recv_type(ws, {"reply"})["reply_to"] == "a1", "A answers the risky message")

        queued = wait_event(con, "queued", conv)
        check(queued["item"]["risk_level"] in ("high", "imminent"),
              "B's console gets the escalation made on A at once, with its risk")
        con.send_json({"v": 1, "type": "open", "conversation": conv})
        view = recv_type(con, {"conversation"})
        said = [m for m in view["messages"] if m["role"] == "user"]
        check(said and said[0]["text"] == HIGH_RISK and said[0]["analysis"]["risk"]["level"]
              in ("high", "imminent"), "B opens the transcript A wrote, with its reading")

        con.send_json({"v": 1, "type": "takeover", "conversation": conv})
        wait_event(con, "updated", conv)
        joined = recv_type(ws, {"staff.joined"})
        check(joined["name"] == "sup", "the seeker on A hears that B's supporter joined")

        con.send_json({"v": 1, "type": "send", "conversation": conv, "id": "s1",
                       "text": "I'm here with you. Are you safe right now?"})
        recv_type(con, {"sent"})
        msg = recv_type(ws, {"staff.message"})
        check(msg["text"] == "I'm here with you. Are you safe right now?",
              "the supporter's message on B reaches the seeker on A")
        say(ws, "a2", "not really, I'm scared")
        ack2 = recv_type(ws, {"ack"})
        back = wait_event(con, "message", conv)
        while back["message"]["role"] != "user":
            back = wait_event(con, "message", conv)
        check(back["message"]["text"] == "not really, I'm scared",
              "the seeker's answer on A reaches the console on B")

        con.send_json({"v": 1, "type": "handback", "conversation": conv})
        recv_type(ws, {"staff.left"})
        say(ws, "a3", "ok. I think I can talk to the bot again")
        check(recv_type(ws, {"reply"})["reply_to"] == "a3", "after the hand back A's bot answers")

        # In the middle of a turn: the message goes to A, and A dies before anything comes back.
        say(ws, "a4", "i keep thinking about tonight")
        a.proc.kill()
        a.proc.wait()
        ws.abort()

        ws = b.ws()
        ws.send_json({"v": 1, "type": "hello", "token": token, "last_seq": ack2["seq"]})
        w = recv_type(ws, {"welcome", "error"})
        check(w["type"] == "welcome" and w.get("resumed"), "the seeker resumes on B")
        history = w.get("history", [])
        seen_a4 = [m for m in history if m.get("text") == "i keep thinking about tonight"]
        say(ws, "a4", "i keep thinking about tonight")  # the client resends what was not acked
        # Frames in order until the resend's ack: B may answer a4 right after the welcome (A stored
        # it and died before answering), before that ack.
        replies = 0
        while True:
            f = recv_type(ws, {"ack", "reply"})
            if f["type"] == "reply":
                check(f["reply_to"] == "a4", "only a4 is owed a reply: %r" % f.get("reply_to"))
                replies += 1
                continue
            break
        check(f["id"] == "a4" and f["duplicate"] == bool(seen_a4),
              "B acknowledges the resend (a duplicate when A had stored it)")
        answered = [m for m in history if m.get("role") == "assistant" and m["seq"] > f["seq"]]
        if not answered and not replies:
            check(recv_type(ws, {"reply"})["reply_to"] == "a4", "B answers what A did not")
            replies = 1
        say(ws, "a5", "thank you")
        while True:  # any second answer to a4 would come before a5's
            f = recv_type(ws, {"reply"})
            if f["reply_to"] == "a4":
                replies += 1
                continue
            check(f["reply_to"] == "a5", "the next reply is to the next message")
            break
        check(len(answered) + replies == 1, "a4 is answered exactly once: %d stored before, %d "
              "sent after" % (len(answered), replies))
        print("a4 when A was killed: %s; its answer: %s" % (
            "stored" if seen_a4 else "not stored (resent to B)",
            "stored by A" if answered else "sent by B"))
        stored = cluster.psql("haven", "SELECT count(*), count(DISTINCT client_message_id) FROM "
                              "messages WHERE conversation_id = '%s' AND client_message_id IN "
                              "('a1', 'a2', 'a3', 'a4', 'a5')" % conv)
        check(stored == "5|5", "the person's five messages are each stored once: %s" % stored)
        ws.close()
        con.close()

        servers[1].stop()
        servers.pop()

        # A questionnaire in progress survives its instance: three PHQ-9 answers on D, D is
        # killed, and a fresh instance C asks the fourth question, with every answer kept.
        d = start("d")
        ws = d.ws()
        ws.send_json({"v": 1, "type": "hello"})
        w = recv_type(ws, {"welcome", "error"})
        check(w["type"] == "welcome", "a second seeker on D")
        token2, conv2 = w["token"], w["conversation"]
        say(ws, "q0", "can we do the PHQ-9?")
        check("Little interest" in recv_type(ws, {"reply"})["text"], "D asks the first item")
        for i, answer in enumerate(["several days", "not at all", "nearly every day"]):
            say(ws, "q%d" % (i + 1), answer)
            check(recv_type(ws, {"reply"})["reply_to"] == "q%d" % (i + 1), "D answers q%d" % i)
        d.proc.kill()
        d.proc.wait()
        ws.abort()
        c = start("c")
        ws = c.ws()
        ws.send_json({"v": 1, "type": "hello", "token": token2})
        check(recv_type(ws, {"welcome", "error"})["type"] == "welcome", "the seeker resumes on C")
        say(ws, "q4", "more than half the days")
        text = recv_type(ws, {"reply"})["text"]
        check("Poor appetite" in text, "C goes on with the fifth item: %r" % text)
        for i, answer in enumerate(["0", "1", "0", "0", "0"]):
            say(ws, "q%d" % (i + 5), answer)
            recv_type(ws, {"reply"})
        say(ws, "q10", "somewhat difficult")
        text = recv_type(ws, {"reply"})["text"]
        check("7" in text and "mild" in text, "the completed score counts all nine: %r" % text)
        kept = cluster.psql("haven", "SELECT count(*) FROM screenings s JOIN conversations c ON "
                            "c.owner_id = s.account_id WHERE c.id = '%s'" % conv2)
        check(kept == "1", "one stored result: %s" % kept)
        ws.close()
    finally:
        for s in servers:
            if s.proc.poll() is None:
                s.proc.kill()
                s.proc.wait()
        cluster.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    print("ok")


if __name__ == "__main__":
    main()
