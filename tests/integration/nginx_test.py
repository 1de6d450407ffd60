#!/usr/bin/env python3
"""The documented nginx configuration (config/nginx/haven.conf) in front of two `haven serve`
instances on one PostgreSQL database (issue 6), all started here:

  the page, /healthz and staff sign-in through nginx over TLS; /metrics refused at nginx;
  a console and a seeker on WebSockets through nginx (the upgrade forwarded): the escalation
  reaches the console whichever instances the two landed on;
  one instance killed with SIGKILL: the seeker reconnects through nginx, resumes and is answered.

Only the file's addresses, ports and certificate paths are replaced; everything else runs as
written. Exit 77 (skip) without nginx or the PostgreSQL server binaries.

Run: nginx_test.py BUILD/cli/haven   (repository root: the current directory or $HAVEN_SOURCE_DIR)
"""
import http.client
import json
import os
import re
import shutil
import ssl
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import postgres_serve_test as pgs  # noqa: E402
from authz_matrix_test import PASSWORD, totp  # noqa: E402
from wsclient import WebSocket  # noqa: E402

TIMEOUT = 60
HIGH_RISK = "I have the pills here and I'm going to take them all tonight"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
check = pgs.check


def recv_type(ws, types):
    deadline = time.time() + TIMEOUT
    while True:
        f = ws.recv_json(timeout=max(0.1, deadline - time.time()))
        if f.get("type") in types:
            return f


def site_config(upstreams, port, cert, key):
    """config/nginx/haven.conf with only its addresses, ports and certificate paths replaced."""
    with open(os.path.join(ROOT, "config", "nginx", "haven.conf")) as f:
        text = f.read()
    servers = "".join("    server 127.0.0.1:%d max_fails=1 fail_timeout=10s;\n" % p
                      for p in upstreams)
    text, n = re.subn(r"(upstream haven \{\n(?:\s*#.*\n)*)(?:\s*server .*\n)+", r"\g<1>" + servers,
                      text)
    check(n == 1, "the documented config has the upstream block")
    # The plain-HTTP redirect server is left out (it needs port 80); the TLS one listens here.
    text, n = re.subn(r"server \{\n    listen 80;.*?\n\}\n", "", text, flags=re.S)
    check(n == 1, "the documented config redirects port 80")
    text, n = re.subn(r"listen 443 ssl;", "listen 127.0.0.1:%d ssl;" % port, text)
    check(n == 1, "the documented config listens on 443 with TLS")
    text = text.replace("/etc/haven/tls/fullchain.pem", cert)
    text = text.replace("/etc/haven/tls/privkey.pem", key)
    return text


class Nginx:
    def __init__(self, tmp, site):
        self.dir = os.path.join(tmp, "nginx")
        os.makedirs(self.dir)
        os.chmod(tmp, 0o755)  # run as root, nginx's workers are another user
        os.chmod(self.dir, 0o755)
        conf = os.path.join(self.dir, "nginx.conf")
        with open(conf, "w") as f:
            f.write("worker_processes 1;\npid %s/nginx.pid;\nerror_log %s/error.log;\n"
                    "events { worker_connections 512; }\nhttp {\n" % (self.dir, self.dir))
            for t in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
                f.write("  %s_temp_path %s/%s;\n" % (t, self.dir, t))
            f.write(site + "\n}\n")
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        argv = [nginx, "-p", self.dir, "-e", os.path.join(self.dir, "error.log"), "-c", conf]
        t = subprocess.run(argv + ["-t"], capture_output=True, text=True, timeout=TIMEOUT)
        check(t.returncode == 0, "nginx -t accepts the documented config: " + t.stderr)
        self.proc = subprocess.Popen(argv + ["-g", "daemon off;"], stderr=subprocess.PIPE,
                                     text=True)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def main():
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK)
                                      else None)
    if not nginx:
        pgs.skip("nginx is not installed (Debian: nginx-light)")
    bindir = pgs.find_bindir()
    if not bindir:
        pgs.skip("no PostgreSQL server binaries under /usr/lib/postgresql/*/bin")
    cluster = pgs.Cluster(bindir)
    tmp = tempfile.mkdtemp(prefix="haven-nginx-")
    servers, proxy = [], None
    try:
        cluster.start()
        cluster.psql("postgres", "CREATE ROLE haven LOGIN PASSWORD '%s'" % pgs.DB_PASSWORD)
        cluster.psql("postgres", "CREATE DATABASE haven OWNER haven")
        cluster.psql("postgres", "CREATE DATABASE haven_keys OWNER haven")
        where = ["--store", cluster.url("haven"), "--keys-store", cluster.url("haven_keys")]
        key_file = os.path.join(tmp, "keys", "haven.key")
        os.makedirs(os.path.dirname(key_file))
        made = pgs.haven("admin", "create-user", *where, "--key-file", key_file, "--username",
                         "sup", "--role", "supporter", stdin=PASSWORD + "\n")
        check(made.returncode == 0, "create-user: " + made.stderr)
        secret = next(l.split(":", 1)[1].strip() for l in made.stdout.splitlines()
                      if l.startswith("secret:"))

        port = pgs.free_port()
        origin = "https://localhost:%d" % port
        for name in ("a", "b"):
            servers.append(pgs.Server([*where, "--key-file", key_file, "--data-dir",
                                       os.path.join(tmp, name), "--insecure-http", "--listen",
                                       "127.0.0.1:0", "--allow-origin", origin]))
        cert, key = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
        r = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                            key, "-out", cert, "-days", "1", "-subj", "/CN=localhost"],
                           capture_output=True, text=True, timeout=TIMEOUT)
        check(r.returncode == 0, "a test certificate: " + r.stderr)
        proxy = Nginx(tmp, site_config([s.port for s in servers], port, cert, key))
        ctx = ssl.create_default_context(cafile=cert)
        ctx.check_hostname = False

        def request(method, path, body=None):
            deadline = time.time() + TIMEOUT
            while True:  # nginx may still be starting
                conn = http.client.HTTPSConnection("127.0.0.1", port, context=ctx,
                                                   timeout=TIMEOUT)
                try:
                    conn.request(method, path, body=body,
                                 headers={"Content-Type": "application/json"} if body else {})
                    resp = conn.getresponse()
                    return resp.status, resp.read()
                except ConnectionRefusedError:
                    if time.time() > deadline:
                        raise
                    time.sleep(0.1)
                finally:
                    conn.close()

        status, body = request("GET", "/healthz")
        check(status == 200 and body.strip() == b"ok", "/healthz through nginx: %s" % status)
        status, body = request("GET", "/")
        check(status == 200 and b"<html" in body.lower(), "the chat page through nginx")
        status, _ = request("GET", "/metrics")
        check(status == 404, "/metrics is refused at nginx: %s" % status)
        status, body = request("POST", "/api/staff/login",
                               json.dumps({"username": "sup", "password": PASSWORD,
                                           "totp": totp(secret)}))
        check(status == 200, "staff sign-in through nginx: %s %s" % (status, body[:200]))
        staff_token = json.loads(body)["token"]

        def ws(path):
            return WebSocket.connect("wss://127.0.0.1:%d%s" % (port, path), origin=origin,
                                     cafile=cert)

        con = ws("/console/ws")
        con.send_json({"v": 1, "type": "hello", "token": staff_token})
        check(recv_type(con, {"welcome", "error"})["type"] == "welcome",
              "the console through nginx")
        recv_type(con, {"queue"})
        seeker = ws("/ws")
        seeker.send_json({"v": 1, "type": "hello"})
        w = recv_type(seeker, {"welcome", "error"})
        check(w["type"] == "welcome", "the seeker through nginx")
        token, conv = w["token"], w["conversation"]
        seeker.send_json({"v": 1, "type": "message", "id": "n1", "text": HIGH_RISK})
        check(recv_type(seeker, {"reply"})["reply_to"] == "n1", "answered through nginx")
        deadline = time.time() + TIMEOUT
        while True:
            f = con.recv_json(timeout=max(0.1, deadline - time.time()))
            if f.get("type") == "event" and f.get("kind") == "queued" and \
                    f.get("conversation") == conv:
                break
        check(True, "the escalation reaches the console, whichever instance each is on")

        # One instance dies: nginx sends the reconnecting seeker to the other.
        servers[0].proc.kill()
        servers[0].proc.wait()
        seeker.abort()
        resumed = False
        for _ in range(4):  # a connection to the dead instance fails over to the live one
            try:
                seeker = ws("/ws")
                seeker.send_json({"v": 1, "type": "hello", "token": token})
                w = recv_type(seeker, {"welcome", "error"})
                resumed = w["type"] == "welcome" and w.get("resumed")
                break
            except (OSError, TimeoutError):
                continue
        check(resumed, "the seeker resumes through nginx after an instance died")
        seeker.send_json({"v": 1, "type": "message", "id": "n2", "text": "are you still there?"})
        check(recv_type(seeker, {"reply"})["reply_to"] == "n2", "and is answered")
        seeker.close()
        con.close()
    finally:
        if proxy:
            proxy.stop()
        for s in servers:
            if s.proc.poll() is None:
                s.proc.kill()
                s.proc.wait()
        cluster.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    print("ok")


if __name__ == "__main__":
    main()
