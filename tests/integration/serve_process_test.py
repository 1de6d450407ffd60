#!/usr/bin/env python3
"""`haven serve` as a child process: it prints its URL (the real port for port 0), answers over
TLS with the certificate it made in the data directory, refuses plain HTTP off loopback, and
exits 0 on SIGTERM. Temp directories only; every wait has a timeout."""
import os
import signal
import ssl
import subprocess
import sys
import tempfile
import urllib.request

HAVEN = sys.argv[1]
TIMEOUT = 60


def start(tmp, *extra):
    return subprocess.Popen(
        [HAVEN, "serve", "--data-dir", os.path.join(tmp, "data"), "--key-file",
         os.path.join(tmp, "keys", "haven.key"), "--listen", "127.0.0.1:0", *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def check(cond, what):
    if not cond:
        print("FAIL:", what)
        sys.exit(1)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        proc = start(tmp)
        try:
            url = proc.stdout.readline().strip()  # the process prints it once listening
            check(url.startswith("https://127.0.0.1:") and url.endswith("/"), "url: " + url)
            check(not url.endswith(":0/"), "the real port is printed")
            ctx = ssl.create_default_context(
                cafile=os.path.join(tmp, "data", "tls", "cert.pem"))
            ctx.check_hostname = False  # the certificate names localhost; we dial 127.0.0.1
            with urllib.request.urlopen(url + "healthz", context=ctx, timeout=TIMEOUT) as r:
                check(r.status == 200 and r.read() == b"ok\n", "healthz")
                check(r.headers["Cache-Control"] == "no-store", "no-store")
                check("max-age" in r.headers["Strict-Transport-Security"], "HSTS")
            key_mode = os.stat(os.path.join(tmp, "keys", "haven.key")).st_mode & 0o777
            check(key_mode == 0o600, "key file mode %o" % key_mode)
            proc.send_signal(signal.SIGTERM)
            check(proc.wait(timeout=TIMEOUT) == 0, "exit 0 on SIGTERM")
            err = proc.stderr.read()
            check("shutting down" in err, "says it is shutting down")
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()

        bad = subprocess.run(
            [HAVEN, "serve", "--data-dir", os.path.join(tmp, "d2"), "--key-file",
             os.path.join(tmp, "k2"), "--listen", "0.0.0.0:0", "--insecure-http"],
            capture_output=True, text=True, timeout=TIMEOUT)
        check(bad.returncode == 2 and "loopback" in bad.stderr, "insecure off loopback refused")
    print("ok")


if __name__ == "__main__":
    main()
