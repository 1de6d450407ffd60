#!/usr/bin/env python3
"""Retraining from clinicians' labels end to end (issue 7), against the real binary.

A person who allows de-identified use writes a risky and an ordinary message; a second person,
who does not, writes a risky one. A clinician labels all three over the console protocol (the
second person's label is refused: nothing kept). The server stops; `haven train` collects the two
labels, redacts them, runs the committed recipe (scripts/train_risk_model.py, without GoEmotions
to keep the test short), measures the active and the new model on the fixed safety set, applies
the gate and registers the version with its figures; the decrypted text never stays on disk.
Then `haven models`: approval by a clinician is refused, by an admin it is done (or refused when
the gate refused), and a restarted server runs the active version and still escalates a risky
message; rollback to the shipped models. Every step is in the audit log, whose chain verifies.

With ../shared (HAVEN_SHARED_DIR), a second run retrains the emotion classifier too, on a small
slice of GoEmotions (3,000 train comments) plus the clinician's emotion labels: the version holds
both models, is measured on GoEmotions' test comments, and the gate refuses it, since so little
data reads emotions worse than the shipped classifier. Skipped (said) without ../shared.

Run: train_test.py BUILD/cli/haven   (temp directories; port 0; two to three minutes)
"""
import glob
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import authz_matrix_test as base  # noqa: E402
import console_test as con  # noqa: E402

HAVEN = sys.argv[1]
check = base.check
RISKY = "I have the pills here and I'm going to take them all tonight"
ORDINARY = "work has been so busy this week, my manager keeps adding more"


def haven(*args, timeout=900):
    return subprocess.run([HAVEN, *args], capture_output=True, text=True, timeout=timeout)


def person(srv, allow):
    ws, w = base.seeker(srv)
    if allow:
        ws.send_json({"v": 1, "type": "consent.set", "kind": "deidentified_use", "granted": True})
        base.recv_type(ws, {"privacy"})
    ws.send_json({"v": 1, "type": "message", "id": "a1", "text": RISKY})
    base.recv_type(ws, {"reply"})
    if allow:
        ws.send_json({"v": 1, "type": "message", "id": "a2", "text": ORDINARY})
        base.recv_type(ws, {"reply"})
    return ws, w["conversation"]


def retrain_emotions(srv, tmp):
    shared = os.environ.get("HAVEN_SHARED_DIR", "")
    goemotions = os.path.join(shared, "data", "goemotions")
    if not shared or not os.path.exists(os.path.join(goemotions, "train.tsv")):
        print("skipped: retraining the emotion classifier needs ../shared/data/goemotions")
        return
    small = os.path.join(tmp, "goemotions")
    os.mkdir(small)
    for name, rows in (("train.tsv", 3000), ("dev.tsv", 600), ("test.tsv", 600),
                       ("emotions.txt", None)):
        with open(os.path.join(goemotions, name), encoding="utf-8") as f:
            lines = f.readlines()
        with open(os.path.join(small, name), "w", encoding="utf-8") as f:
            f.writelines(lines if rows is None else lines[:rows])
    r = haven("train", "--data-dir", srv.data, "--key-file", srv.key, "--by", "test",
              "--goemotions", small, "--json")
    print(r.stderr[-2000:], flush=True)
    check(r.returncode == 1, "the emotions were retrained and refused (exit %d)" % r.returncode)
    check("training the emotion classifier" in r.stderr, "the emotions recipe ran")
    entry = json.loads(r.stdout.strip().splitlines()[-1])
    check(entry["model"] == "risk+emotions" and entry["data"]["emotion_labels"] == 2,
          "a version of both models, with the two emotion labels")
    names = sorted(f["name"] for f in entry["files"])
    check(names == ["emotions.ftz", "emotions.thresholds", "risk.ftz", "risk.thresholds"],
          "its files: %s" % names)
    m, b = entry["metrics"], entry["baseline"]["metrics"]
    check(m["emotion_cases"] == 600 and b["emotion_cases"] == 600 and m["emotion_labelled"] == 2,
          "both measured on the test comments and the labels")
    check(m["emotion_macro_f1"] < b["emotion_macro_f1"],
          "3,000 comments read emotions worse (%.3f < %.3f)"
          % (m["emotion_macro_f1"], b["emotion_macro_f1"]))
    check(any(x.startswith("emotions macro-F1") for x in entry["gate"]["reasons"]),
          "the gate says why: %s" % entry["gate"]["reasons"])
    models = os.path.join(srv.data, "models")
    check(not glob.glob(os.path.join(models, ".train-*")), "the working directory is gone")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        srv = base.Server(tmp, "a")
        cleo = srv.create_staff("cleo", "clinician")
        srv.create_staff("ada", "admin")
        srv.start()
        try:
            ws1, conv1 = person(srv, True)
            ws2, conv2 = person(srv, False)
            token = con.login(srv, "cleo", cleo)
            desk, welcome = con.console(srv, token)
            check(welcome["type"] == "welcome", "the clinician's console")
            labelled = 0
            for conv, allowed in ((conv1, True), (conv2, False)):
                con.send(desk, "open", conversation=conv)
                view = base.recv_type(desk, {"conversation"})
                check(view["labels_allowed"] == allowed, "the view says whether labels are kept")
                for m in view["messages"]:
                    if m["role"] != "user":
                        continue
                    level = "imminent" if m["text"] == RISKY else "none"
                    con.send(desk, "label", conversation=conv, seq=m["seq"], risk=level,
                             emotions=["fear"] if level != "none" else ["annoyance"])
                    got = base.recv_type(desk, {"label.saved", "error"})
                    if allowed:
                        check(got["type"] == "label.saved" and got["label"]["risk"] == level,
                              "a label is saved")
                        labelled += 1
                    else:
                        check(got.get("code") == "consent_required",
                              "no label without the person's consent")
            check(labelled == 2, "two labels kept")
            desk.close()
            ws1.close()
            ws2.close()
        finally:
            srv.stop()

        # haven train: the labels, the recipe, the gate, the registry.
        r = haven("train", "--data-dir", srv.data, "--key-file", srv.key, "--by", "test")
        print(r.stderr[-2000:], flush=True)
        print(r.stdout, flush=True)
        check(r.returncode in (0, 1), "haven train ran (exit %d)" % r.returncode)
        check("2 risk and 2 emotion labels by 1 clinician(s) on the messages of 1 person(s)"
              in r.stderr, "it used the two consented labels")
        check("emotion classifier is kept as it is" in r.stderr,
              "without GoEmotions the emotion classifier is kept")
        models = os.path.join(srv.data, "models")
        index = json.load(open(os.path.join(models, "registry.json")))
        check(len(index["versions"]) == 1, "one version registered")
        v = index["versions"][0]
        check(v["data"]["labels"] == 2 and v["data"]["redacted"], "its data: two redacted labels")
        check(v["metrics"]["cases"] > 100 and v["baseline"]["version"] == "shipped",
              "measured on the safety set against the shipped model")
        check(v["gate"]["passed"] == (r.returncode == 0) and
              v["status"] == ("candidate" if r.returncode == 0 else "refused"),
              "the gate's verdict is the exit status and the status")
        check(all(os.path.getsize(os.path.join(models, v["version"], f["name"])) == f["bytes"]
                  for f in v["files"]), "the files are there as recorded")
        check(not glob.glob(os.path.join(models, ".train-*")), "the working directory is gone")
        leaked = [p for p in glob.glob(os.path.join(models, "**"), recursive=True)
                  if os.path.isfile(p) and RISKY.encode() in open(p, "rb").read()]
        check(not leaked, "no message text stays in the registry: %s" % leaked)

        listed = haven("models", "list", "--data-dir", srv.data)
        check(listed.returncode == 0 and v["version"] in listed.stdout, "haven models list")
        no = haven("models", "approve", v["version"], "--data-dir", srv.data, "--by", "cleo")
        check(no.returncode == 2 and "admin" in no.stderr, "a clinician cannot approve")
        yes = haven("models", "approve", v["version"], "--data-dir", srv.data, "--by", "ada")
        if v["gate"]["passed"]:
            check(yes.returncode == 0, "an admin approves a candidate: " + yes.stderr)
            srv.start()
            try:
                err_line = ""
                ws, conv = person(srv, False)  # the new model still escalates the risky message
                ws.close()
            finally:
                srv.stop()
                err_line = srv.proc.stderr.read()
            check(("models: %s (model registry)" % v["version"]) in err_line,
                  "the restarted server runs the approved version")
            back = haven("models", "rollback", "shipped", "--data-dir", srv.data, "--by", "ada")
            check(back.returncode == 0, "rollback to the shipped models")
        else:
            check(yes.returncode == 1 and "refused by the evaluation gate" in yes.stderr,
                  "a refused version cannot be approved")
        retrain_emotions(srv, tmp)
        verify = haven("audit", "verify", "--data-dir", srv.data, "--key-file", srv.key)
        check(verify.returncode == 0, "the audit chain verifies: " + verify.stdout + verify.stderr)

    if base.FAILURES:
        print("%d of %d checks failed" % (len(base.FAILURES), base.CHECKS[0]))
        sys.exit(1)
    print("ok: %d checks" % base.CHECKS[0])


if __name__ == "__main__":
    main()
