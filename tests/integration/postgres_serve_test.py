#!/usr/bin/env python3
"""`haven serve --store postgres://...` end to end, against a throwaway PostgreSQL cluster that
this test starts itself (initdb -A trust into a temp directory, 127.0.0.1 on a free port):

  haven migrate (twice: idempotent) -> haven admin create-user (a supporter) -> haven serve
  -> a seeker's hello and message, answered with ack and reply -> restart -> resume with the
  token, the message read back -> pg_dump of both databases holds neither the message in plain
  text (nor as bytea hex) -> haven audit verify --store passes.

The database URLs carry a password (trust authentication ignores it); no output of any command
may show it. Exit 77 (skip) when the PostgreSQL server binaries are not installed, or when run as
root without the `postgres` user and runuser (initdb and the server refuse to run as root).

Run: postgres_serve_test.py BUILD/cli/haven   ($HAVEN_PG_BINDIR overrides the binaries' folder)
"""
import glob
import os
import pwd
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from wsclient import WebSocket  # noqa: E402

HAVEN = sys.argv[1]
TIMEOUT = 60
PASSWORD = "a long enough passphrase"
DB_PASSWORD = "Pg-Sekr1t-9f3a"
MESSAGE = "the lighthouse keeper on Quillon Street worries me tonight"


def check(cond, what):
    if not cond:
        print("FAIL:", what)
        sys.exit(1)


def skip(why):
    print("SKIP:", why)
    sys.exit(77)


def find_bindir():
    env = os.environ.get("HAVEN_PG_BINDIR")
    candidates = [env] if env else sorted(
        glob.glob("/usr/lib/postgresql/*/bin"),
        key=lambda p: int(p.split("/")[-2]) if p.split("/")[-2].isdigit() else 0, reverse=True)
    for d in candidates:
        if all(os.access(os.path.join(d, b), os.X_OK) for b in ("initdb", "pg_ctl", "postgres")):
            return d
    return None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """A PostgreSQL server in its own temp directory; stop() removes everything."""

    def __init__(self, bindir):
        self.bindir = bindir
        self.prefix = []
        self.dir = tempfile.mkdtemp(prefix="haven-pgserve-")
        if os.geteuid() == 0:
            try:
                pw = pwd.getpwnam("postgres")
            except KeyError:
                skip("running as root needs the postgres system user")
            runuser = shutil.which("runuser")
            if not runuser:
                skip("running as root needs runuser")
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
            self.prefix = [runuser, "-u", "postgres", "--"]
        self.data = os.path.join(self.dir, "data")
        self.port = None

    def tool(self, name):
        path = os.path.join(self.bindir, name)
        return path if os.access(path, os.X_OK) else shutil.which(name)

    def run(self, argv, **kw):
        return subprocess.run(self.prefix + argv, capture_output=True, text=True,
                              timeout=TIMEOUT * 2, **kw)

    def start(self):
        r = self.run([self.tool("initdb"), "-D", self.data, "-A", "trust", "-U", "pgadmin",
                      "--no-sync", "-E", "UTF8", "--locale=C"])
        check(r.returncode == 0, "initdb: " + r.stderr[-2000:])
        log = os.path.join(self.dir, "server.log")
        for _ in range(5):
            port = free_port()
            opts = ("-p %d -c listen_addresses=127.0.0.1 -c unix_socket_directories=%s "
                    "-c fsync=off -c synchronous_commit=off" % (port, self.dir))
            r = self.run([self.tool("pg_ctl"), "-D", self.data, "-l", log, "-w", "-t", "60",
                          "-o", opts, "start"])
            if r.returncode == 0:
                self.port = port
                return
        with open(log) as f:
            check(False, "the cluster did not start: " + f.read()[-2000:])

    def stop(self):
        if self.port is not None:
            self.run([self.tool("pg_ctl"), "-D", self.data, "-m", "immediate", "stop"])
        shutil.rmtree(self.dir, ignore_errors=True)

    def psql(self, db, sql):
        r = subprocess.run([self.tool("psql"), "-X", "-At", "-v", "ON_ERROR_STOP=1", "-h",
                            "127.0.0.1", "-p", str(self.port), "-U", "pgadmin", "-d", db,
                            "-c", sql], capture_output=True, text=True, timeout=TIMEOUT)
        check(r.returncode == 0, "psql %s: %s" % (sql, r.stderr))
        return r.stdout.strip()

    def dump(self, db):
        r = subprocess.run([self.tool("pg_dump"), "-h", "127.0.0.1", "-p", str(self.port), "-U",
                            "pgadmin", "-d", db], capture_output=True, text=True, timeout=TIMEOUT)
        check(r.returncode == 0, "pg_dump %s: %s" % (db, r.stderr))
        return r.stdout

    def url(self, db):
        return "postgres://haven:%s@127.0.0.1:%d/%s" % (DB_PASSWORD, self.port, db)


def haven(*args, stdin=None):
    r = subprocess.run([HAVEN, *args], input=stdin, capture_output=True, text=True,
                       timeout=TIMEOUT * 2)
    check(DB_PASSWORD not in r.stdout + r.stderr,
          "haven %s shows the database password: %s%s" % (args[0], r.stdout, r.stderr))
    return r


class Server:
    def __init__(self, args):
        self.proc = subprocess.Popen([HAVEN, "serve", *args], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        ready, _, _ = select.select([self.proc.stdout], [], [], TIMEOUT * 2)
        url = self.proc.stdout.readline().strip() if ready else ""
        if not url.startswith("http://"):
            self.proc.kill()
            check(False, "the server did not start: " + self.proc.stderr.read())
        self.port = int(url.rstrip("/").rsplit(":", 1)[1])

    def ws(self):
        return WebSocket.connect("ws://127.0.0.1:%d/ws" % self.port)

    def stop(self):
        """SIGTERM; returns its stderr after checking the clean exit."""
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            rc = -1
        err = self.proc.stderr.read()
        check(rc == 0, "the server exits 0 on SIGTERM: %s" % err)
        check(DB_PASSWORD not in err, "the server's log shows the database password")
        return err


def recv_type(ws, types):
    deadline = time.time() + TIMEOUT
    while True:
        f = ws.recv_json(timeout=max(0.1, deadline - time.time()))
        if f.get("type") in types:
            return f


def main():
    bindir = find_bindir()
    if not bindir:
        skip("no PostgreSQL server binaries under /usr/lib/postgresql/*/bin (or $HAVEN_PG_BINDIR)")
    cluster = Cluster(bindir)
    if not cluster.tool("psql") or not cluster.tool("pg_dump"):
        skip("psql or pg_dump is not installed")
    tmp = tempfile.mkdtemp(prefix="haven-pgserve-keys-")
    server = None
    try:
        cluster.start()
        # As docs/deployment.md: a role, and a database for the records and one for the keys.
        cluster.psql("postgres", "CREATE ROLE haven LOGIN PASSWORD '%s'" % DB_PASSWORD)
        cluster.psql("postgres", "CREATE DATABASE haven OWNER haven")
        cluster.psql("postgres", "CREATE DATABASE haven_keys OWNER haven")
        store, keys = cluster.url("haven"), cluster.url("haven_keys")
        key_file = os.path.join(tmp, "haven.key")
        where = ["--store", store, "--keys-store", keys]

        first = haven("migrate", *where)
        check(first.returncode == 0 and "schema version" in first.stdout,
              "migrate: %s %s" % (first.stdout, first.stderr))
        check("postgres://haven:***@127.0.0.1" in first.stdout, "migrate shows redacted URLs")
        again = haven("migrate", *where)
        check(again.returncode == 0 and again.stdout == first.stdout, "migrate is idempotent")
        check(cluster.psql("haven", "SELECT max(version) FROM schema_migrations") != "",
              "the records' schema is there")
        check(cluster.psql("haven_keys", "SELECT to_regclass('data_keys') IS NOT NULL") == "t",
              "the keys' table is in the keys' database")
        explain = haven("migrate")
        check(explain.returncode == 2 and "--store" in explain.stderr, "migrate explains itself")

        made = haven("admin", "create-user", *where, "--key-file", key_file, "--username",
                     "sup", "--role", "supporter", stdin=PASSWORD + "\n")
        check(made.returncode == 0 and "secret:" in made.stdout, "create-user: " + made.stderr)
        listed = haven("admin", "list-users", *where, "--key-file", key_file)
        check(listed.returncode == 0 and "sup" in listed.stdout, "list-users: " + listed.stderr)

        serve_args = [*where, "--key-file", key_file, "--insecure-http", "--listen",
                      "127.0.0.1:0"]
        server = Server(serve_args)
        ws = server.ws()
        ws.send_json({"v": 1, "type": "hello", "locale": "en-GB"})
        w = recv_type(ws, {"welcome", "error"})
        check(w.get("type") == "welcome" and len(w.get("token", "")) == 64,
              "a new seeker is welcomed: %r" % w)
        token, account = w["token"], w["account"]
        ws.send_json({"v": 1, "type": "message", "id": "m1", "text": MESSAGE})
        ack = recv_type(ws, {"ack", "error"})
        check(ack.get("type") == "ack" and ack.get("id") == "m1", "the message is acked: %r" % ack)
        reply = recv_type(ws, {"reply", "error"})
        check(reply.get("type") == "reply" and reply.get("text"), "a reply: %r" % reply)
        ws.close()
        err = server.stop()
        server = None
        check("storage: PostgreSQL postgres://haven:***@127.0.0.1" in err,
              "the server names its storage, redacted: " + err)

        server = Server(serve_args)
        ws = server.ws()
        ws.send_json({"v": 1, "type": "hello", "token": token, "last_seq": 0})
        w = recv_type(ws, {"welcome", "error"})
        check(w.get("type") == "welcome" and w.get("resumed") and w.get("account") == account,
              "the seeker resumes after a restart: %r" % w.get("code"))
        texts = [m.get("text") for m in w.get("history", [])]
        check(MESSAGE in texts, "the message is read back (decrypted) after the restart")
        ws.close()
        server.stop()
        server = None

        check(int(cluster.psql("haven", "SELECT count(*) FROM messages")) >= 2,
              "the messages are in PostgreSQL")
        check(int(cluster.psql("haven_keys", "SELECT count(*) FROM data_keys")) >= 1,
              "the data keys are in the keys' database")
        for db in ("haven", "haven_keys"):
            dump = cluster.dump(db)
            for secret in (MESSAGE,):
                check(secret not in dump, "%s holds personal text in plain text" % db)
                check(secret.encode().hex() not in dump, "%s holds personal text as hex" % db)
                check(secret.split()[1] not in dump, "%s holds a word of it" % db)

        verified = haven("audit", "verify", "--store", store, "--key-file", key_file)
        check(verified.returncode == 0 and "audit log intact" in verified.stdout,
              "audit verify: %s %s" % (verified.stdout, verified.stderr))
    finally:
        if server is not None and server.proc.poll() is None:
            server.proc.kill()
            server.proc.wait()
        cluster.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    print("ok")


if __name__ == "__main__":
    main()
