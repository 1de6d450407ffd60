"""Feedback and learning through the real server: `learning: {bandit: explore}` in the
configuration, a thumbs rating refused without consent and kept with it, a rating of anything but
Haven's reply refused, and `haven learn report` reading the logged choice and its rating from the
records alone (no key file) after the server stops.

usage: feedback_test.py HAVEN"""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from wsclient import WebSocket  # noqa: E402

HAVEN = sys.argv[1]


def check(cond, what):
    if not cond:
        print("FAIL:", what)
        sys.exit(1)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        cfg = os.path.join(tmp, "haven.yaml")
        with open(cfg, "w") as f:
            f.write("learning: {bandit: explore, explore_percent: 50}\n")
        data = os.path.join(tmp, "data")
        proc = subprocess.Popen(
            [HAVEN, "serve", "--config", cfg, "--data-dir", data, "--key-file",
             os.path.join(tmp, "keys", "haven.key"), "--listen", "127.0.0.1:0",
             "--insecure-http"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            url = proc.stdout.readline().strip()
            check(url.startswith("http://127.0.0.1:"), "url: " + url)
            ws = WebSocket.connect(url.replace("http", "ws", 1) + "ws", origin=url.rstrip("/"))
            # Ten frames at most: the connection's burst limit (config/haven.example.yaml).
            ws.send_json({"v": 1, "type": "hello"})
            check(ws.recv_json()["type"] == "welcome", "welcome")
            seqs = []
            for i, text in enumerate(["work has been so stressful lately",
                                      "my manager keeps piling it on"]):
                ws.send_json({"v": 1, "type": "message", "id": "m%d" % i, "text": text})
                while True:
                    m = ws.recv_json()
                    if m["type"] == "reply":
                        seqs.append(m["seq"])
                        break
            ws.send_json({"v": 1, "type": "feedback", "seq": seqs[-1], "rating": 1})
            m = ws.recv_json()
            check(m.get("code") == "consent_required", "no consent: %r" % m)
            ws.send_json({"v": 1, "type": "consent.set", "kind": "deidentified_use",
                          "granted": True})
            check(ws.recv_json()["type"] == "privacy", "consent set")
            for seq in seqs:
                ws.send_json({"v": 1, "type": "feedback", "seq": seq, "rating": -1,
                              "comment": "asking first would have helped"})
                m = ws.recv_json()
                check(m == {"v": 1, "type": "feedback.saved", "seq": seq, "rating": -1},
                      "saved: %r" % m)
            ws.send_json({"v": 1, "type": "feedback", "seq": seqs[0] - 1, "rating": 1})
            m = ws.recv_json()
            check(m.get("code") == "bad_feedback", "own message: %r" % m)
            ws.send_json({"v": 1, "type": "privacy.get"})
            m = ws.recv_json()
            check(m["type"] == "privacy" and m["stored"]["feedback"] == len(seqs), "counted: %r" % m)
            ws.close()
        finally:
            proc.terminate()
            _, err = proc.communicate(timeout=60)
        check("learning: bandit explore" in err, "the start names the learning mode")
        check("asking first" not in err, "no comment text in the log")
        r = subprocess.run([HAVEN, "learn", "report", "--data-dir", data, "--json"],
                           capture_output=True, text=True, timeout=120,
                           env={k: v for k, v in os.environ.items() if k != "HAVEN_KEY_FILE"})
        check(r.returncode == 0, "learn report: " + r.stderr)
        rep = json.loads(r.stdout)
        check(rep["rated"] >= 1 and rep["rated"] == rep["choices"], "report: %r" % rep)
        check(rep["logged_mean_reward"] == 0, "every rating was a thumbs down")
        check(rep["recommendation"] == "keep_collecting", "too little evidence")
    print("feedback_test: OK")


if __name__ == "__main__":
    main()
