#!/usr/bin/env python3
"""Delivery under crashes: `haven serve` is killed with SIGKILL, again and again, under traffic.

What it holds the server to (docs/protocol.md, chat protocol v1):
  - a message is acknowledged only once it is committed: every acked client id is in the
    conversation after any number of crashes, exactly once, at the seq its ack gave;
  - client message ids make resends idempotent: a resend is acked again with `duplicate: true`
    and the same seq, and is never answered twice; any valid id is an ordinary message (an id
    like "reply:X" once collided with Haven's key for the reply to X);
  - after a reconnect, `hello {token, last_seq}` replays exactly what came after `last_seq`,
    oldest first, with no gap, no repeat and nothing changed;
  - every message is answered exactly once: the ack goes out at commit, before the reply, so a
    crash can fall between them; then the resume's welcome is followed at once by the reply to
    that last, unanswered message (and by no other);
  - the audit log's hash chain verifies after every crash and never loses an entry that a
    checkpoint already covered; no message text reaches the server's output or, unsealed, its
    data directory.

How: the real binary on port 0 in a temp directory (the key file outside it). N seekers, one
thread each, send messages with unique client ids (a few in flight at once) and toggle a consent
switch now and then (each change is an audited transaction). For R rounds: traffic runs for a
random short while (or none: now and then the crash comes while the clients reconnect), the
server gets SIGKILL, `haven audit verify --update-checkpoint` runs on the dead server's data,
the server restarts on the same data (a new port: port 0), and every client reconnects to the
new URL with its token and a `last_seq` at or a little before the last seq it saw, checks the
replay, and resends in order whatever it sent that was not acknowledged.
After the last round the server stays up: every client resends what is left, probes a few
acknowledged ids once more, reads its whole conversation (last_seq 0, paged) and checks it
against everything it was told; then the server stops cleanly and the audit log is verified
against the checkpoint.

Each client's view of the conversation (`model`: seq -> role, client id, text) is built only
from what the server said (acks, replies, replays); every later statement must agree with it.

Run:   python3 tests/integration/delivery_kill_test.py build/dev/cli/haven
       (or HAVEN_BIN=...; registered in ctest as delivery_kill_test)
Knobs: HAVEN_KILL_SEED (replay a run: the seed is printed first), HAVEN_KILL_ROUNDS,
       HAVEN_KILL_CLIENTS. A sanitizer build (a path with "asan" in it, or ASAN_OPTIONS set)
       runs fewer rounds and clients and waits longer.
Exit:  0 pass, 1 a check failed (each failure says what it proves and the seed), 77 skipped
       (no binary). Timeouts are guards against hangs only; nothing here asserts a duration.
"""
import collections
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from wsclient import ConnectionClosed, WebSocket, WebSocketError  # noqa: E402

HAVEN = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("HAVEN_BIN", "")
SANITIZED = "asan" in HAVEN or bool(os.environ.get("ASAN_OPTIONS"))
SLOW = 3 if SANITIZED else 1
GUARD = 60 * SLOW                # seconds: a guard against hangs, never an expectation
ROUNDS = int(os.environ.get("HAVEN_KILL_ROUNDS", 4 if SANITIZED else 10))
CLIENTS = int(os.environ.get("HAVEN_KILL_CLIENTS", 4 if SANITIZED else 8))
SEED = int(os.environ.get("HAVEN_KILL_SEED", random.SystemRandom().randrange(1 << 31)))

WINDOW = 3           # frames a client keeps in flight (responses come back in order)
MAX_MESSAGES = 120   # new messages per client, so that a run stays small
HISTORY_PAGE = 200   # welcome.history holds at most this many messages
# The server limits hello, message and privacy frames per connection and per account (30 a
# minute, bursts of 10), in memory: a restart starts every bucket full. Clients pace themselves
# below that (the hello that opened a connection included), so a `rate_limited` answer means the
# pacing assumption broke, and is reported as such.
PACE_BURST, PACE_PER_SECOND = 8, 0.4
PROBES_AT_END = 3    # acknowledged ids each client resends once more at the end

# Every message carries this marker; it must never show up in the server's output, nor (as
# plaintext) in its data directory (messages are sealed before they reach SQLite).
MARKER = "zqv%xk" % SEED
PHRASES = [
    "work has been stressful lately", "I can't sleep well these days",
    "my sister and I argued again", "exams are coming up and I feel behind",
    "I went for a walk today and it helped a bit", "money is tight this month",
    "I keep overthinking everything", "thanks for listening to me",
    "my manager keeps adding deadlines", "I miss my friends from home",
]


class Failure(Exception):
    """A check failed; already recorded."""


class Run:
    """Shared state of one run: the failures, and the rendezvous between the main thread (which
    starts and kills servers) and the clients (which report when they are resumed or gone)."""

    def __init__(self):
        self.cond = threading.Condition()
        self.failures = []
        self.gen = -1          # the server generation clients should use
        self.url = None
        self.final = False
        self.killed = set()    # generations that were killed on purpose
        self.stopping = False  # a check failed: clients leave quietly
        self.events = collections.Counter()  # (kind, gen) -> clients that reported it
        self.stats = collections.Counter()

    def fail(self, who, what):
        with self.cond:
            if not self.stopping:  # after the first failure the rest is mostly its echo
                self.failures.append("%s: %s" % (who, what))
            self.cond.notify_all()
        raise Failure(what)

    def stop(self):
        with self.cond:
            self.stopping = True
            self.cond.notify_all()

    def check(self, cond, who, what):
        if not cond:
            self.fail(who, what)

    def count(self, name, n=1):
        with self.cond:
            self.stats[name] += n

    def publish(self, gen, url, final):
        with self.cond:
            self.gen, self.url, self.final = gen, url, final
            self.cond.notify_all()

    def wait_gen(self, gen):
        """Blocks until generation `gen` is published; returns (url, final)."""
        with self.cond:
            ok = self.cond.wait_for(lambda: self.gen >= gen or self.stopping, GUARD * 2)
            if self.stopping:
                raise Failure("stopping")
            if not ok:
                self.fail("client", "no server generation %d within the guard" % gen)
            return self.url, self.final

    def mark_killed(self, gen):
        with self.cond:
            self.killed.add(gen)

    def was_killed(self, gen):
        with self.cond:
            return gen in self.killed

    def report(self, kind, gen):
        with self.cond:
            self.events[(kind, gen)] += 1
            self.cond.notify_all()

    def wait_reports(self, kind, gen, n):
        """Main thread: waits until `n` clients reported (kind, gen); False on a failure."""
        with self.cond:
            ok = self.cond.wait_for(lambda: self.events[(kind, gen)] >= n or self.failures,
                                    GUARD * 2)
            if self.failures:
                self.stopping = True
            if not ok and not self.failures:
                self.failures.append("main: only %d of %d clients reported %s in generation %d"
                                     % (self.events[(kind, gen)], n, kind, gen))
            return not self.failures


class Server:
    """`haven serve` on 127.0.0.1:0 over one data directory, restartable. Its stdout and stderr
    of every generation are kept in files for the canary check."""

    def __init__(self, tmp):
        self.data_dir = os.path.join(tmp, "data")
        self.key_file = os.path.join(tmp, "keys", "haven.key")  # outside the data directory
        self.log_dir = os.path.join(tmp, "logs")
        os.makedirs(self.log_dir)
        self.proc = None
        self.starts = 0

    def start(self):
        """Starts a generation and returns its ws URL (wss://127.0.0.1:PORT/ws)."""
        out = open(os.path.join(self.log_dir, "stdout.%d" % self.starts), "w+")
        err = open(os.path.join(self.log_dir, "stderr.%d" % self.starts), "w")
        self.starts += 1
        self.proc = subprocess.Popen(
            [HAVEN, "serve", "--data-dir", self.data_dir, "--key-file", self.key_file,
             "--listen", "127.0.0.1:0"], stdout=out, stderr=err)
        out.close()
        err.close()
        # The URL is printed once the server listens: poll the file (no fixed sleep).
        deadline = time.monotonic() + GUARD
        with open(os.path.join(self.log_dir, "stdout.%d" % (self.starts - 1))) as f:
            line = ""
            while not line.endswith("\n"):
                line += f.readline()
                if line.endswith("\n"):
                    break
                if self.proc.poll() is not None:
                    raise RuntimeError("haven serve exited with %d before printing its URL"
                                       % self.proc.returncode)
                if time.monotonic() > deadline:
                    raise RuntimeError("haven serve printed no URL within the guard")
                time.sleep(0.02)
        url = line.strip()
        if not re.fullmatch(r"https://127\.0\.0\.1:\d+/", url):
            raise RuntimeError("unexpected URL: %r" % url)
        return "wss" + url[len("https"):] + "ws"

    @property
    def cafile(self):
        return os.path.join(self.data_dir, "tls", "cert.pem")

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=GUARD)

    def stop(self):
        """SIGTERM; returns the exit status."""
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=GUARD)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return None

    def ensure_dead(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def output(self):
        text = []
        for name in sorted(os.listdir(self.log_dir)):
            with open(os.path.join(self.log_dir, name), errors="replace") as f:
                text.append(f.read())
        return "\n".join(text)


def audit_verify(server, update_checkpoint):
    """`haven audit verify` against the checkpoint beside the key file. Returns (rc, output)."""
    cmd = [HAVEN, "audit", "verify", "--data-dir", server.data_dir, "--key-file", server.key_file]
    if update_checkpoint:
        cmd.append("--update-checkpoint")
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=GUARD)
    return r.returncode, r.stdout + r.stderr


class Pacer:
    """A token bucket a little below the server's rate limit (see PACE_BURST), made after the
    hello of a connection, which it counts."""

    def __init__(self):
        self.tokens = float(PACE_BURST - 1)
        self.last = time.monotonic()

    def take(self):
        now = time.monotonic()
        self.tokens = min(PACE_BURST, self.tokens + (now - self.last) * PACE_PER_SECOND)
        self.last = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


class Client(threading.Thread):
    """One anonymous seeker. Everything it learns from the server goes into `model`
    (seq -> (role, client id or None, text)); each later statement must agree with it."""

    def __init__(self, run, server, index):
        super().__init__(name="client-%d" % index, daemon=True)
        self.run_state = run
        self.server = server
        self.who = "client %d" % index
        self.index = index
        self.rng = random.Random(SEED * 1000 + index)
        self.token = None
        self.account = None
        self.conversation = None
        self.texts = {}          # client id -> text, for every id ever sent
        self.order = []          # client ids in the order first sent
        self.pending = []        # sent, not acknowledged yet, in order
        self.acked = {}          # client id -> seq from its ack
        self.committed = {}      # client id -> seq where a replay showed it (ack maybe lost)
        self.live_replies = {}   # client id -> seq of the reply frame received for it
        self.model = {}          # seq -> (role, client id or None, text)
        self.consent = False     # the analytics switch, as last asked
        self.consents_sent = 0
        self.consents_answered = 0
        self.next_number = 0

    # ----- the thread -----------------------------------------------------------------------

    def run(self):
        r = self.run_state
        try:
            for gen in range(ROUNDS + 1):
                url, final = r.wait_gen(gen)
                try:
                    ws, owed = self.connect_and_resume(url)
                except (ConnectionClosed, OSError) as e:
                    # Only when the server was killed while the clients reconnected.
                    self.check(r.was_killed(gen) and not final,
                               "connect and resume failed, the server alive: %r" % e)
                    r.report("gone", gen)
                    continue
                r.report("resumed", gen)
                if final:
                    self.finish(ws, owed)
                    r.report("done", gen)
                    return
                code = self.traffic(ws, owed)
                self.check(r.was_killed(gen),
                           "the connection ended (close code %s) while the server was alive"
                           % code)
                self.check(code is None, "the server sent close %s instead of dying" % code)
                r.report("gone", gen)
        except Failure:
            pass
        except Exception:  # a bug in the test or an unexpected exception: report, never hang
            try:
                r.fail(self.who, "unexpected exception:\n" + traceback.format_exc())
            except Failure:
                pass

    def check(self, cond, what):
        self.run_state.check(cond, self.who, what)

    def fail(self, what):
        self.run_state.fail(self.who, what)

    # ----- connecting and the replay -------------------------------------------------------

    def connect(self, url):
        return WebSocket.connect(url, cafile=self.server.cafile, timeout=GUARD)

    def connect_and_resume(self, url):
        """hello (new seeker the first time; then token and a last_seq at or a little before
        the last seq seen) and the checks on the replay (check_replay). Returns the connection
        and the client id whose reply must come next (the conversation ends with it: stored,
        never answered), or None."""
        ws = self.connect(url)
        if self.token is None:
            ws.send_json({"v": 1, "type": "hello", "locale": "en-GB"})
            w = ws.recv_json(timeout=GUARD)
            self.check(w.get("type") == "welcome", "hello answered with %r" % w.get("type"))
            self.check(not w["resumed"] and w["history"] == [] and len(w["token"]) == 64,
                       "a new seeker gets a token and an empty history")
            self.token, self.account = w["token"], w["account"]
            self.conversation = w["conversation"]
            return ws, None
        last = max(self.model, default=0)
        after = last if self.rng.random() < 0.5 else self.rng.randint(max(0, last - 12), last)
        ws.send_json({"v": 1, "type": "hello", "token": self.token, "last_seq": after,
                      "locale": "en-GB"})
        w = ws.recv_json(timeout=GUARD)
        self.check(w.get("type") == "welcome",
                   "resume answered with %r (%s)" % (w.get("type"), w.get("code")))
        self.check(w["resumed"] and "token" not in w and "recovery_phrase" not in w,
                   "a resume is marked resumed and carries no secrets")
        self.check(w["account"] == self.account and w["conversation"] == self.conversation,
                   "a resume continues the same account and conversation")
        self.check_replay(w["history"], after)
        self.run_state.count("resumes")
        last = self.model.get(max(self.model, default=0))
        if last is not None and last[0] == "user":
            self.run_state.count("late_replies")
            return ws, last[1]
        return ws, None

    def check_replay(self, history, after):
        """Proves: the replay after `after` is exactly the messages after it, oldest first,
        contiguous (seq after+1, after+2, ...; nothing skipped, repeated or reordered), equal to
        what the client was told before, and reaching at least the last seq it saw. Messages
        it had not seen (a commit whose ack was lost in the crash) are learned here: a user
        message must be one it sent and has no other seq."""
        last = max(self.model, default=0)
        self.check(sorted(self.model) == list(range(1, last + 1)),
                   "the frames received so far cover seq 1..%d without a hole" % last)
        seqs = [h["seq"] for h in history]
        self.check(seqs == list(range(after + 1, after + 1 + len(seqs))),
                   "replay after %d is contiguous and in order: %s" % (after, seqs))
        self.check(len(history) < HISTORY_PAGE, "replay shorter than a page (test sizing)")
        self.check(after + len(history) >= last,
                   "replay after %d reaches the last seq seen (%d): got up to %d"
                   % (after, last, after + len(history)))
        for h in history:
            self.learn(h["seq"], h["role"], h.get("id"), h["text"], "replay")

    def learn(self, seq, role, client_id, text, source):
        """Adds one fact to the model, or checks it against what is already there."""
        if role == "assistant":
            client_id = None if source == "replay" else client_id
        entry = (role, client_id, text)
        known = self.model.get(seq)
        if known is not None:
            same = known[0] == role and known[2] == text and (
                role != "user" or known[1] == client_id)
            self.check(same, "seq %d was %r, now %s says %r%s" % (
                seq, known[:2], source, entry[:2], "" if known[2] == text else ", text differs"))
            return
        self.check(seq == max(self.model, default=0) + 1,
                   "a new seq %d (%s) follows the last one seen (%d) directly"
                   % (seq, source, max(self.model, default=0)))
        if role == "user":
            self.check(client_id in self.texts, "a user message %r this client never sent"
                       % client_id)
            self.check(self.texts[client_id] == text, "user message %r stored with its text"
                       % client_id)
            where = self.acked.get(client_id, self.committed.get(client_id))
            self.check(where is None or where == seq,
                       "client id %r stored twice: seq %s and %d" % (client_id, where, seq))
            self.committed[client_id] = seq
        else:
            self.check(role == "assistant", "unexpected role %r at seq %d" % (role, seq))
        self.model[seq] = entry

    # ----- traffic --------------------------------------------------------------------------

    def new_message(self):
        cid = "c%d-m%d" % (self.index, self.next_number)
        self.next_number += 1
        self.texts[cid] = "%s (ref %s%dx%d)" % (self.rng.choice(PHRASES), MARKER, self.index,
                                                self.next_number)
        self.order.append(cid)
        self.pending.append(cid)
        return cid

    def traffic(self, ws, owed):
        """Sends until the connection dies (the server is killed). Returns the close code the
        server sent (None when the TCP connection just ended, as it must under SIGKILL).
        `owed`: the client id whose reply comes first (connect_and_resume)."""
        resend = list(self.pending)   # first, in order, whatever is unacknowledged
        pacer = Pacer()
        inflight = collections.deque()
        state = {"first_ack": owed}
        try:
            while True:
                if len(inflight) < WINDOW:
                    frame = self.next_frame(resend, pacer)
                    if frame is not None:
                        ws.send_json(frame[0])
                        inflight.append(frame[1])
                        continue
                try:
                    msg = ws.recv_json(timeout=0.2)
                except TimeoutError:
                    continue
                self.handle(msg, inflight, state)
        except ConnectionClosed as e:
            return e.code

    def next_frame(self, resend, pacer):
        """The next frame to send as (frame, what is expected back), or None for now."""
        if resend:
            if not pacer.take():
                return None
            cid = resend.pop(0)
            self.run_state.count("resends")
            return self.message_frame(cid), ("message", cid)
        roll = self.rng.random()
        if roll < 0.08:
            if not pacer.take():
                return None
            self.consent = not self.consent
            self.consents_sent += 1
            return ({"v": 1, "type": "consent.set", "kind": "analytics",
                     "granted": self.consent}, ("privacy", self.consent))
        if roll < 0.14 and self.acked:
            if not pacer.take():
                return None
            cid = self.rng.choice(sorted(self.acked))
            self.run_state.count("probes")
            return self.message_frame(cid), ("message", cid)
        if self.next_number >= MAX_MESSAGES or not pacer.take():
            return None
        cid = self.new_message()
        return self.message_frame(cid), ("message", cid)

    def message_frame(self, cid):
        return {"v": 1, "type": "message", "id": cid, "text": self.texts[cid]}

    def handle(self, msg, inflight, state):
        """One frame from the server, checked against the frames in flight (answered in the
        order sent: the protocol handles a connection's frames one at a time)."""
        kind = msg.get("type")
        first_ack, state["first_ack"] = state["first_ack"], None
        if kind == "reply":
            self.on_reply(msg, first_ack)
            return
        if kind == "pong":
            self.check(inflight and inflight[0][0] == "ping", "an unasked pong")
            inflight.popleft()
            return
        self.check(bool(inflight), "a %r frame nothing asked for: %s" % (kind, msg))
        expected, cid = inflight.popleft()  # cid: for "privacy", the value asked for
        if kind == "error":
            if msg.get("code") == "rate_limited":
                self.fail_pacing()
            self.fail("frame for %s refused: %s %s" % (cid, msg.get("code"), msg.get("message")))
        if expected == "privacy":
            self.check(kind == "privacy", "consent.set answered with %r" % kind)
            self.check(msg["consents"]["analytics"]["granted"] == cid,
                       "the consent change is in effect at once")
            self.consents_answered += 1
            return
        self.check(expected == "message" and kind == "ack",
                   "expected the ack for %s, got %s" % (cid, msg))
        self.check(msg["id"] == cid, "acks come in the order sent: expected %s, got %s"
                   % (cid, msg["id"]))
        if self.on_ack(msg):
            state["first_ack"] = cid

    def fail_pacing(self):
        self.fail("rate_limited: the test paces itself below the server's limits, which are "
                  "in memory (a restart starts them full). Did the limits change? (test "
                  "assumption, not necessarily a server bug)")

    def on_ack(self, msg):
        """Proves: a first ack is for a new commit at the next seq, or (duplicate: true) for
        a commit the crash hid, at the seq a replay showed if it did; an ack for an id already
        acked is `duplicate: true` with the same seq. Returns True for the first ack of an id
        (the only one a reply may follow)."""
        cid, seq, dup = msg["id"], msg["seq"], msg["duplicate"]
        if cid in self.acked:
            self.check(dup and seq == self.acked[cid],
                       "a resend of acknowledged %s is acked duplicate:true with seq %d: got %s"
                       % (cid, self.acked[cid], msg))
            self.run_state.count("duplicate_acks")
            return False
        self.check(cid in self.pending, "an ack for %s, which is not waiting for one" % cid)
        if dup:
            # Committed before a crash, its ack lost: the replay may or may not have shown it
            # (it does whenever it is after last_seq, and last_seq is the last seq seen).
            where = self.committed.get(cid)
            self.check(where is None or where == seq,
                       "duplicate ack of %s says seq %d, the replay showed %s" % (cid, seq, where))
            self.check(seq in self.model,
                       "duplicate ack of %s at seq %d, which no replay showed" % (cid, seq))
            self.run_state.count("recovered_acks")
        else:
            self.check(cid not in self.committed,
                       "%s was already stored at seq %s but is acked as new at seq %d"
                       % (cid, self.committed.get(cid), seq))
        self.learn(seq, "user", cid, self.texts[cid], "ack")
        self.acked[cid] = seq
        self.pending.remove(cid)
        self.run_state.count("acks")
        return True

    def on_reply(self, msg, first_ack):
        """Proves: a reply comes right after the first ack of its message, or right after the
        welcome for the conversation's unanswered last message (never after a resend's ack:
        never answered twice), once per client id, at the next seq."""
        cid = msg["reply_to"]
        self.check(first_ack == cid,
                   "a reply to %s that does not follow its first ack (answered twice?)" % cid)
        self.check(cid not in self.live_replies,
                   "%s answered twice: seqs %s and %d" % (cid, self.live_replies.get(cid),
                                                          msg["seq"]))
        self.live_replies[cid] = msg["seq"]
        self.learn(msg["seq"], "assistant", cid, msg["text"], "reply")
        self.run_state.count("replies")

    # ----- the end: resend what is left, probe, read everything ---------------------------

    def finish(self, ws, owed):
        """On the last server (it stays up): resend what was never acknowledged until it is,
        resend a few acknowledged ids (duplicate probes), wait with a ping (answered after
        everything before it), then read the whole conversation and check it."""
        pacer = Pacer()
        inflight = collections.deque()
        state = {"first_ack": owed}
        frames = [("message", cid) for cid in self.pending]
        acked = sorted(self.acked)
        for cid in self.rng.sample(acked, min(PROBES_AT_END, len(acked))):
            frames.append(("message", cid))
            self.run_state.count("probes")
        deadline = time.monotonic() + GUARD
        for kind, cid in frames:
            while not pacer.take():  # pacing, not a wait for the server
                self.check(time.monotonic() < deadline, "pacing took longer than the guard")
                time.sleep(0.1)
            ws.send_json(self.message_frame(cid))
            inflight.append((kind, cid))
        ws.send_json({"v": 1, "type": "ping"})
        inflight.append(("ping", None))
        while inflight:
            self.handle(ws.recv_json(timeout=GUARD), inflight, state)
        ws.close()
        self.check(not self.pending, "everything sent is acknowledged in the end: %s"
                   % self.pending)
        self.check_full_history(self.read_everything())

    def read_everything(self):
        """The whole conversation through resumes with last_seq 0, then page by page."""
        history, after = [], 0
        while True:
            ws = self.connect(self.run_state.url)
            ws.send_json({"v": 1, "type": "hello", "token": self.token, "last_seq": after})
            w = ws.recv_json(timeout=GUARD)
            ws.close()
            self.check(w.get("type") == "welcome", "resume for the full read: %s" % w)
            history += w["history"]
            if len(w["history"]) < HISTORY_PAGE:
                return history
            after = w["history"][-1]["seq"]

    def check_full_history(self, history):
        """Proves, over the whole conversation after every crash:
        - seqs are 1..N: strictly increasing, none twice, none missing;
        - everything the client was told (acks, replies, replays) is there unchanged;
        - every client id it sent is there exactly once, at the seq of its ack, with its text,
          and in the order the client first sent them;
        - as many assistant messages as user messages: each message answered once (a message
          left unanswered by a crash after its ack is answered on the next resume, and the
          final resume came before this read)."""
        seqs = [h["seq"] for h in history]
        self.check(seqs == list(range(1, len(seqs) + 1)),
                   "the conversation's seqs are 1..N, strictly increasing: %s" % seqs)
        for h in history:
            self.learn(h["seq"], h["role"], h.get("id"), h["text"], "full read")
        self.check(len(history) >= len(self.model), "the full read covers all seen")
        users = [h.get("id") for h in history if h["role"] == "user"]
        counts = collections.Counter(users)
        twice = sorted(cid for cid, n in counts.items() if n > 1)
        self.check(not twice, "client ids stored more than once: %s" % twice)
        missing = sorted(set(self.acked) - set(counts))
        self.check(not missing, "acknowledged ids missing after the crashes: %s" % missing)
        extra = sorted(set(counts) - set(self.texts))
        self.check(not extra, "user messages this client never sent: %s" % extra)
        by_seq = {h["seq"]: h for h in history}
        for cid, seq in self.acked.items():
            h = by_seq[seq]
            self.check(h["role"] == "user" and h.get("id") == cid and h["text"] == self.texts[cid],
                       "acked %s is at its seq %d with its text" % (cid, seq))
        self.check(users == self.order,
                   "user messages are in the order first sent:\n  stored %s\n  sent   %s"
                   % (users, self.order))
        assistants = sum(1 for h in history if h["role"] == "assistant")
        self.check(assistants == len(users),
                   "one reply per message: %d user messages, %d replies" % (len(users),
                                                                           assistants))
        for cid, seq in self.live_replies.items():
            self.check(by_seq[seq]["role"] == "assistant", "reply to %s kept at seq %d"
                       % (cid, seq))
        self.run_state.count("messages_checked", len(users))
        self.run_state.count("consents_sent", self.consents_sent)
        self.run_state.count("consents_answered", self.consents_answered)


def check_reply_key_collision(run, server, url):
    """Regression (found by this test, fixed in dd6b148): a client message id may contain ':',
    and ChatService used to keep the reply to message X under the client id "reply:X", in the
    same unique column (messages UNIQUE(conversation_id, client_message_id)). An id "reply:X"
    sent after X was taken for X's reply: nothing stored, 'internal' ("send it again") forever;
    sent before X, it made X's reply unstorable and X was "answered" with the user's own text.
    Proves: any valid client id is stored and answered like any other (replies are now keyed
    "reply/X", outside the client id alphabet; src/chat/chat_service.cc ReplyKey)."""
    who = "reply-key collision (src/chat/chat_service.cc ReplyKey)"
    ws = WebSocket.connect(url, cafile=server.cafile, timeout=GUARD)
    try:
        ws.send_json({"v": 1, "type": "hello"})
        ws.recv_json(timeout=GUARD)
        got = {}
        sent = {cid: "%s %s" % (phrase, MARKER) for cid, phrase in (
            ("a1", "I feel tired"), ("reply:a1", "and a bit lonely"),
            ("reply:b1", "work was long today"), ("b1", "I could not focus"))}
        for cid, text in sent.items():
            ws.send_json({"v": 1, "type": "message", "id": cid, "text": text})
            ws.send_json({"v": 1, "type": "ping"})
            frames = []
            while True:
                f = ws.recv_json(timeout=GUARD)
                if f["type"] == "pong":
                    break
                frames.append(f)
            got[cid] = frames
        ws.close()
    except (WebSocketError, OSError, KeyError) as e:
        run.fail(who, "connection failed: %r" % e)
    for cid, text in sent.items():
        frames = got[cid]
        kinds = [f["type"] for f in frames]
        ok = (kinds == ["ack", "reply"] and not frames[0]["duplicate"] and
              frames[1]["reply_to"] == cid and frames[1]["strategy"] != "" and
              frames[1]["seq"] > frames[0]["seq"] and text not in frames[1]["text"])
        if not ok:
            run.failures.append("%s: message id %r is answered as a new message (ack, reply "
                                "from Haven); got %s" % (who, cid, frames))
    if any(f.startswith(who) for f in run.failures):
        raise Failure(who)


def data_dir_leaks(server):
    """Files under the data directory that hold the message marker in plaintext."""
    leaks = []
    needle = MARKER.encode()
    for root, _, files in os.walk(server.data_dir):
        for name in files:
            path = os.path.join(root, name)
            with open(path, "rb") as f:
                if needle in f.read():
                    leaks.append(os.path.relpath(path, server.data_dir))
    return leaks


def main():
    if not HAVEN or not os.access(HAVEN, os.X_OK):
        print("SKIP: no haven binary (give its path or set HAVEN_BIN)")
        sys.exit(77)
    if not os.environ.get("HAVEN_DATA_DIR"):
        shipped = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "data")
        os.environ["HAVEN_DATA_DIR"] = os.path.normpath(shipped)
    print("seed %d (HAVEN_KILL_SEED=%d replays it), %d rounds, %d clients%s"
          % (SEED, SEED, ROUNDS, CLIENTS, ", sanitizer build" if SANITIZED else ""), flush=True)
    rng = random.Random(SEED)
    started = time.monotonic()
    run = Run()
    tmp = tempfile.mkdtemp(prefix="haven-kill-")
    server = Server(tmp)
    audit_rounds, audit_end = 0, "not run"
    try:
        clients = [Client(run, server, i) for i in range(CLIENTS)]
        for c in clients:
            c.start()
        for gen in range(ROUNDS):
            run.publish(gen, server.start(), final=False)
            if gen > 0 and rng.random() < 0.2:
                # A crash while the clients reconnect, resume and resend.
                run.count("crashes_during_reconnect")
                time.sleep(rng.uniform(0, 0.25))
            else:
                if not run.wait_reports("resumed", gen, CLIENTS):
                    break
                time.sleep(rng.uniform(0.05, 1.5))  # traffic: the crash lands at a random point
            run.mark_killed(gen)
            server.kill()
            if not run.wait_reports("gone", gen, CLIENTS):
                break
            # The chain verifies after every crash, and extends the previous checkpoint.
            rc, out = audit_verify(server, update_checkpoint=True)
            audit_rounds += 1
            if rc != 0:
                run.failures.append("audit verify after crash %d: exit %d: %s"
                                    % (gen + 1, rc, out.strip()))
                break
        if run.failures:  # end the clients: no server, no next generation
            run.stop()
            server.ensure_dead()
        else:
            url = server.start()
            run.publish(ROUNDS, url, final=True)
            run.wait_reports("done", ROUNDS, CLIENTS)
        for c in clients:
            c.join(timeout=GUARD)
            if c.is_alive():
                run.failures.append("%s did not finish within the guard" % c.who)
        if not run.failures:
            try:
                check_reply_key_collision(run, server, url)
            except Failure:
                pass
            rc = server.stop()
            if rc != 0:
                run.failures.append("haven serve exits 0 on SIGTERM after the crashes: %s" % rc)
            rc, out = audit_verify(server, update_checkpoint=False)
            entries = re.search(r"intact: (\d+) entries", out)
            answered = run.stats["consents_answered"]
            if rc != 0 or not entries or "matches" not in out:
                run.failures.append("audit verify at the end (against the checkpoint): exit %d: "
                                    "%s" % (rc, out.strip()))
            elif int(entries.group(1)) < answered:
                run.failures.append("audit log has %s entries but %d consent changes were "
                                    "answered (each is audited in its own transaction)"
                                    % (entries.group(1), answered))
            else:
                audit_end = out.splitlines()[0]
        output = server.output()
        if MARKER in output:
            run.failures.append("message text in the server's output (stdout/stderr)")
        leaks = data_dir_leaks(server)
        if leaks:
            run.failures.append("message text in plaintext in the data directory: %s" % leaks)
    except (RuntimeError, OSError, subprocess.SubprocessError) as e:
        run.failures.append("main: %r" % e)
    finally:
        run.publish(ROUNDS + 1, None, final=True)  # release any waiting client
        server.ensure_dead()

    s = run.stats
    print("%d crashes (%d while clients reconnected); %d messages checked, %d acks (%d "
          "recovered from a replay after a lost ack), %d duplicate acks, %d replies, %d resends, "
          "%d probes, %d resumes (%d owed a late reply); consent changes %d sent / %d answered; audit verified after "
          "%d crashes, at the end: %s; %.1f s"
          % (server.starts - 1, s["crashes_during_reconnect"], s["messages_checked"], s["acks"],
             s["recovered_acks"], s["duplicate_acks"], s["replies"], s["resends"], s["probes"],
             s["resumes"], s["late_replies"],
             s["consents_sent"], s["consents_answered"], audit_rounds, audit_end,
             time.monotonic() - started))
    if run.failures:
        for f in run.failures:
            print("FAIL:", f)
        print("seed %d; server output and data kept in %s" % (SEED, tmp))
        sys.exit(1)
    shutil.rmtree(tmp, ignore_errors=True)
    print("ok")


if __name__ == "__main__":
    main()
