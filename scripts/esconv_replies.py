#!/usr/bin/env python3
"""Haven's replies on ESConv contexts vs the human supporters' replies, measured by EPITOME level.

For every supporter turn of ../shared/data/esconv/valid.json that follows a seeker turn, the
conversation before it is sent to `haven respond --jsonl` (the history is the context); then
`haven empathy --jsonl` scores Haven's reply and the human supporter's reply against the
seeker's last message(s) on EPITOME's three mechanisms (0 none, 1 weak, 2 strong). Also
reported: Haven's strategies, escalations, and variety (distinct replies overall and within
each conversation).

ESConv is CC BY-NC 4.0: evaluation only. This script reads it from ../shared and writes nothing
into the repository; never copy its text into Haven.

  python3 scripts/esconv_replies.py --haven build/dev/cli/haven [--max 1000] [--show 5]
"""
import argparse
import collections
import json
import os
import subprocess
import sys

MECHS = ("emotional_reactions", "interpretations", "explorations")


def load_dialogs(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line:
                yield json.loads(line)


def contexts(dialogs, limit):
    """(dialog index, history, seeker text, human reply) for each supporter turn."""
    out = []
    for di, d in enumerate(dialogs):
        turns = d.get("dialog", [])
        i = 0
        while i < len(turns):
            if turns[i]["speaker"] != "sys":
                i += 1
                continue
            # The supporter's turn (consecutive supporter messages joined).
            j = i
            parts = []
            while j < len(turns) and turns[j]["speaker"] == "sys":
                parts.append(turns[j]["text"].strip())
                j += 1
            before = turns[:i]
            if before and before[-1]["speaker"] == "usr":
                history = [{"role": "user" if t["speaker"] == "usr" else "assistant",
                            "text": t["text"]} for t in before]
                seeker = []
                k = len(before) - 1
                while k >= 0 and before[k]["speaker"] == "usr":
                    seeker.insert(0, before[k]["text"].strip())
                    k -= 1
                out.append((di, history, " ".join(seeker), " ".join(parts)))
                if limit and len(out) >= limit:
                    return out
            i = j
    return out


def run_jsonl(haven, sub, lines, env):
    proc = subprocess.run([haven, sub, "--jsonl"], input="".join(lines).encode(),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, timeout=3600)
    if proc.returncode != 0:
        sys.exit(f"haven {sub} failed: {proc.stderr.decode()[:500]}")
    return [json.loads(l) for l in proc.stdout.decode().splitlines()]


def summary(name, rows):
    print(f"  {name}")
    for m in MECHS:
        levels = [r[m] for r in rows if m in r]
        dist = collections.Counter(levels)
        mean = sum(levels) / max(1, len(levels))
        print(f"    {m:20s} mean {mean:.2f}   none {dist[0] / len(levels):.0%}  "
              f"weak {dist[1] / len(levels):.0%}  strong {dist[2] / len(levels):.0%}")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--haven", default=os.path.join(here, "..", "build", "dev", "cli", "haven"))
    ap.add_argument("--data", default=os.path.join(here, "..", "..", "shared", "data", "esconv",
                                                   "valid.json"))
    ap.add_argument("--max", type=int, default=0, help="at most this many contexts (0: all)")
    ap.add_argument("--locale", default="en-US")
    ap.add_argument("--show", type=int, default=0, help="print this many examples (local only)")
    args = ap.parse_args()
    env = dict(os.environ)
    env.setdefault("HAVEN_DATA_DIR", os.path.join(here, "..", "data"))

    ctx = contexts(list(load_dialogs(args.data)), args.max)
    if not ctx:
        sys.exit("no contexts")
    reqs = [json.dumps({"id": str(n), "locale": args.locale, "history": h}) + "\n"
            for n, (_, h, _, _) in enumerate(ctx)]
    answers = run_jsonl(args.haven, "respond", reqs, env)
    errors = [a for a in answers if "error" in a]
    replies = {a["id"]: a for a in answers if "reply" in a}

    emp = []
    for n, (_, _, seeker, human) in enumerate(ctx):
        a = replies.get(str(n))
        if a is None:
            continue
        emp.append(json.dumps({"id": f"h{n}", "seeker": seeker, "response": a["reply"]}) + "\n")
        emp.append(json.dumps({"id": f"p{n}", "seeker": seeker, "response": human}) + "\n")
    scores = {s["id"]: s for s in run_jsonl(args.haven, "empathy", emp, env)}
    haven_rows = [scores[k] for k in scores if k.startswith("h") and "error" not in scores[k]]
    human_rows = [scores[k] for k in scores if k.startswith("p") and "error" not in scores[k]]

    print(f"ESConv valid: {len(ctx)} supporter turns from "
          f"{len(set(c[0] for c in ctx))} conversations; {len(errors)} errors")
    print("EPITOME levels (haven empathy):")
    summary("Haven", haven_rows)
    summary("human supporters", human_rows)
    total = lambda rows: sum(sum(r[m] for m in MECHS) for r in rows) / max(1, len(rows))
    print(f"  sum of the three levels, mean: Haven {total(haven_rows):.2f}, "
          f"humans {total(human_rows):.2f}")
    wins = ties = 0
    for n in range(len(ctx)):
        h, p = scores.get(f"h{n}"), scores.get(f"p{n}")
        if not h or not p or "error" in h or "error" in p:
            continue
        sh, sp = sum(h[m] for m in MECHS), sum(p[m] for m in MECHS)
        wins += sh > sp
        ties += sh == sp
    print(f"  Haven's level sum higher than the human's in {wins / len(ctx):.0%} of turns, "
          f"equal in {ties / len(ctx):.0%}")

    strategies = collections.Counter(a["strategy"] for a in replies.values())
    print("Haven's strategies: " + ", ".join(f"{s} {c / len(replies):.0%}"
                                             for s, c in strategies.most_common()))
    levels = collections.Counter(a["risk_level"] for a in replies.values())
    print("risk levels: " + ", ".join(f"{s} {c}" for s, c in levels.most_common()) +
          f"; escalated {sum(a['escalate'] for a in replies.values())}")
    texts = [a["reply"] for a in replies.values()]
    print(f"variety: {len(set(texts))} distinct replies of {len(texts)} "
          f"({len(set(texts)) / len(texts):.1%})")
    by_dialog = collections.defaultdict(list)
    for n, (di, _, _, _) in enumerate(ctx):
        if str(n) in replies:
            by_dialog[di].append(replies[str(n)]["reply"])
    ratios = [len(set(v)) / len(v) for v in by_dialog.values() if len(v) >= 5]
    if ratios:
        print(f"  within a conversation (>= 5 replies): mean distinct ratio "
              f"{sum(ratios) / len(ratios):.1%}, lowest {min(ratios):.1%}")
    lengths = [len(t.split()) for t in texts]
    human_lengths = [len(c[3].split()) for c in ctx]
    print(f"reply length in words: Haven {sum(lengths) / len(lengths):.1f}, "
          f"humans {sum(human_lengths) / len(human_lengths):.1f}")
    for n in range(min(args.show, len(ctx))):
        a = replies.get(str(n))
        print(f"\n--- seeker: {ctx[n][2][:300]}\n    haven [{a['strategy'] if a else '-'}]: "
              f"{a['reply'] if a else '-'}\n    human: {ctx[n][3][:300]}")


if __name__ == "__main__":
    main()
