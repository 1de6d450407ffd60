#!/usr/bin/env python3
"""How often Haven flags ordinary real text as risk: the share of messages put at moderate or
above (and at high or above), and how many of those the learned reader alone raised.

  python3 scripts/risk_realtext.py --haven build/dev/cli/haven [--shared ../shared]

Corpora (read from ../shared, never shipped, never trained on here): the seeker messages of
ESConv's train split (CC BY-NC, evaluation only: real emotional-support chat, mostly people not
at risk, a few who are) and GoEmotions' dev split (Reddit comments). Neither is labelled for
risk, so the figure is an upper bound on false alarms, not a precise rate.
"""
import argparse
import json
import os
import subprocess


def esconv(shared):
    rows = []
    with open(os.path.join(shared, "data", "esconv", "train.json"), encoding="utf-8") as f:
        for i, line in enumerate(f):
            if not line.strip():
                continue
            for j, t in enumerate(json.loads(line)["dialog"]):
                if t["speaker"] == "usr":
                    rows.append({"id": f"esconv-{i}-{j}", "text": t["text"]})
    return rows


def goemotions(shared):
    rows = []
    with open(os.path.join(shared, "data", "goemotions", "dev.tsv"), encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 3:
                rows.append({"id": "goemotions-" + parts[2], "text": parts[0]})
    return rows


def measure(haven, name, rows):
    payload = "".join(json.dumps(r) + "\n" for r in rows).encode()
    out = subprocess.run([haven, "analyze", "--jsonl"], input=payload, capture_output=True,
                         check=True).stdout.decode().splitlines()
    mod = high = learned = 0
    for line in out:
        risk = json.loads(line).get("risk", {})
        level = risk.get("level", "none")
        if level in ("moderate", "high", "imminent"):
            mod += 1
            signals = {e["signal"] for e in risk.get("evidence", [])}
            if signals == {"learned_reading"}:
                learned += 1
        if level in ("high", "imminent"):
            high += 1
    n = len(out)
    print(f"{name}: {n} messages, flagged >= moderate {mod / n:.2%} ({mod}; learned reader alone "
          f"{learned}), >= high {high / n:.2%}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--haven", required=True)
    ap.add_argument("--shared", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared"))
    a = ap.parse_args()
    measure(a.haven, "esconv seekers (train)", esconv(a.shared))
    measure(a.haven, "goemotions dev", goemotions(a.shared))


if __name__ == "__main__":
    main()
