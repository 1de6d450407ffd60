#!/usr/bin/env python3
"""The `haven` binary end to end: the JSONL contract under bad input (shared/eval/CONTRACT.md).

Runs the real binary as a subprocess. Standard library only.
  python3 tests/cli_contract_test.py path/to/haven
"""
import json
import subprocess
import sys
import unittest

HAVEN = sys.argv.pop(1) if len(sys.argv) > 1 else "build/dev/cli/haven"


def run(payload: bytes, *args, timeout=120):
    proc = subprocess.run([HAVEN, "analyze", "--jsonl", *args], input=payload,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    return proc


class JsonlContract(unittest.TestCase):
    def test_one_answer_per_line_in_order_with_every_field(self):
        lines = [{"id": f"m{i}", "text": t} for i, t in enumerate(
            ["hello", "i want to die", "thank you 😊", "", "my email is a@b.co", "👨‍👩‍👧‍👦"])]
        out = run("".join(json.dumps(l) + "\n" for l in lines).encode())
        self.assertEqual(out.returncode, 0)
        answers = [json.loads(l) for l in out.stdout.decode().splitlines()]
        self.assertEqual([a["id"] for a in answers], [l["id"] for l in lines])
        for a in answers:
            for key in ("sentiment", "emotions", "risk", "intent", "topics", "pii"):
                self.assertIn(key, a)
            s = a["sentiment"]
            self.assertAlmostEqual(s["pos"] + s["neu"] + s["neg"], 1.0, places=3)
            self.assertEqual(len(a["emotions"]["scores"]), 28)
            self.assertTrue(a["emotions"]["labels"])
            self.assertIn(a["risk"]["level"], ["none", "low", "moderate", "high", "imminent"])

    def test_bad_lines_get_errors_and_processing_continues(self):
        bad = [
            b'{"id":"a","text":"fine"}',
            b'{"id":"b","text":"broken',                  # malformed JSON
            b'{"id":"c","text":"\xff\xfe"}',             # invalid UTF-8 inside JSON
            b'',                                          # empty line
            b'\x00\x01\x02',                              # control bytes
            b'[1,2,3]',                                   # not an object
            b'{"id":"d"}',                                # no text
            b'{"id":"e","text":"\\u0000nul \\u202e bidi \\u200b zw"}',
            b'{"id":"f","text":"ok"}',
        ]
        out = run(b"\n".join(bad) + b"\n")
        self.assertEqual(out.returncode, 0, out.stderr)
        answers = [json.loads(l) for l in out.stdout.decode().splitlines()]
        self.assertEqual(len(answers), len(bad))
        self.assertIn("sentiment", answers[0])
        for i in (1, 2, 3, 4, 5, 6):
            self.assertIn("error", answers[i], i)
        self.assertEqual(answers[1]["error"].split(" at ")[0], "malformed JSON")
        self.assertIn("sentiment", answers[7])
        self.assertEqual(answers[8]["id"], "f")
        self.assertNotIn(b"broken", out.stdout, "errors never quote the input")

    def test_megabyte_line(self):
        text = ("i feel so alone " * 70000)[:1_000_000]
        out = run((json.dumps({"id": "big", "text": text}) + "\n" +
                   json.dumps({"id": "next", "text": "hi"}) + "\n").encode())
        self.assertEqual(out.returncode, 0)
        answers = [json.loads(l) for l in out.stdout.decode().splitlines()]
        self.assertEqual([a["id"] for a in answers], ["big", "next"])
        self.assertIn("risk", answers[0])

    def test_no_trailing_newline_and_crlf(self):
        out = run(b'{"id":1,"text":"a"}\r\n{"id":2,"text":"b"}')
        answers = [json.loads(l) for l in out.stdout.decode().splitlines()]
        self.assertEqual([a["id"] for a in answers], [1, 2])

    def test_readable_report_accepts_any_bytes(self):
        proc = subprocess.run([HAVEN, "analyze", b"caf\xc3 \xff I can't go on"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn(b"Risk", proc.stdout)
        self.assertIn(b"invalid UTF-8", proc.stdout)

    def test_help_explains_each_subcommand(self):
        proc = subprocess.run([HAVEN, "--help"], stdout=subprocess.PIPE, timeout=30)
        for sub in (b"analyze", b"chat", b"prep", b"empathy", b"respond"):
            self.assertIn(sub, proc.stdout)

    def test_prep_risk_gate_says_where_a_learned_reading_may_raise(self):
        # The training recipe's view of the run-time gate (scripts/train_risk_model.py).
        proc = subprocess.run([HAVEN, "prep", "risk", "--gate"],
                              input=b"I took the dog for a walk\nI want to die\n"
                                    b"my friend wants to kill herself\n",
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(proc.stdout.decode().splitlines(),
                         ["0\ti took the dog for a walk", "1\ti want to die",
                          "0\tmy friend wants to kill herself"])
        plain = subprocess.run([HAVEN, "prep", "risk"], input=b"I want to die\n",
                               stdout=subprocess.PIPE, timeout=60)
        self.assertEqual(plain.stdout, b"i want to die\n")

    def test_chat_discloses_ai_and_gives_crisis_help_on_risk(self):
        proc = subprocess.run([HAVEN, "chat"], input=b"hello\ni want to kill myself\nquit\n",
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        replies = [l for l in proc.stdout.decode().splitlines() if "haven> " in l]
        self.assertEqual(len(replies), 2)
        self.assertIn("AI", replies[0])
        self.assertNotIn("988", replies[0], "no crisis lines for a greeting")
        self.assertIn("988", replies[1], "crisis lines for the risky message")

    def test_chat_locale_chooses_the_crisis_lines(self):
        proc = subprocess.run([HAVEN, "chat", "--locale", "en-GB"],
                              input=b"i want to kill myself\n", stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=60)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("116 123", proc.stdout.decode())

    def test_missing_data_dir_is_a_clear_error(self):
        proc = subprocess.run([HAVEN, "--data-dir", "/nonexistent", "analyze", "hi"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
        self.assertEqual(proc.returncode, 2)
        self.assertIn(b"/nonexistent", proc.stderr)


class RespondContract(unittest.TestCase):
    def test_one_reply_per_line_and_errors_for_bad_lines(self):
        def req(i, history, locale="en-US"):
            return json.dumps({"id": i, "locale": locale, "history": history}).encode()
        lines = [
            req("r1", [{"role": "user", "text": "I feel like my boss hates me"}]),
            b'{"id":"r2","history":[{"role":"user","text":"broken',   # malformed JSON
            b'',                                                      # empty line
            req("r3", []),                                            # empty history
            req("r4", [{"role": "user", "text": "hi"}, {"role": "assistant", "text": "hello"}]),
            req("r5", [{"role": "user", "text": "hi"}, {"role": "assistant", "text": "hello"},
                       {"role": "user", "text": "I just took all my pills"}], "en-GB"),
            b'{"id":"r6","history":[{"role":"user","text":"\xff\xfe"}]}',
            req("r7", [{"role": "user", "text": "can I talk to a real person?"}]),
        ]
        proc = subprocess.run([HAVEN, "respond", "--jsonl"], input=b"\n".join(lines) + b"\n",
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        answers = [json.loads(l) for l in proc.stdout.decode().splitlines()]
        self.assertEqual(len(answers), len(lines))
        by_id = {a.get("id"): a for a in answers}
        strategies = {"question", "restatement", "reflection", "self_disclosure", "affirmation",
                      "suggestion", "information", "crisis", "handoff", "other"}
        self.assertTrue("reply" in answers[6] or "error" in answers[6])  # invalid UTF-8
        for i in ("r1", "r5", "r7"):
            a = by_id[i]
            self.assertEqual(set(a), {"id", "reply", "strategy", "risk_level", "escalate"}, a)
            self.assertIn(a["strategy"], strategies)
            self.assertIn(a["risk_level"], {"none", "low", "moderate", "high", "imminent"})
            self.assertIsInstance(a["escalate"], bool)
            self.assertTrue(a["reply"])
        self.assertIn("error", answers[1])
        self.assertIn("error", answers[2])
        self.assertIn("error", by_id["r3"])
        self.assertIn("error", by_id["r4"])
        self.assertTrue(by_id["r5"]["reply"].startswith("Please call 999"), by_id["r5"])
        self.assertTrue(by_id["r5"]["escalate"])
        self.assertEqual(by_id["r7"]["strategy"], "handoff")
        self.assertNotIn("boss", proc.stderr.decode(), "no message text in logs")

    def test_why_adds_the_variant_and_the_reasons(self):
        line = json.dumps({"id": "w1", "history": [
            {"role": "user", "text": "work has been awful"},
            {"role": "assistant", "text": "That sounds hard. What happened?"},
            {"role": "user", "text": "thanks for listening"},
            {"role": "user", "text": "you really get it"}]}).encode() + b"\n"
        proc = subprocess.run([HAVEN, "respond", "--jsonl", "--why"], input=line,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        a = json.loads(proc.stdout)
        self.assertIsInstance(a["variant"], str)
        self.assertIn("intent:gratitude", a["why"])  # the two last messages are one turn
        self.assertEqual(a["strategy"], "affirmation")


class EmpathyContract(unittest.TestCase):
    def run_empathy(self, payload: bytes):
        return subprocess.run([HAVEN, "empathy", "--jsonl"], input=payload,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)

    def test_levels_for_each_line_and_errors_for_bad_ones(self):
        lines = [
            json.dumps({"id": "e1", "seeker": "I feel so alone", "response":
                        "I'm so sorry. It sounds like you feel abandoned. What happened?"}).encode(),
            b'{"id":"e2","seeker":"x"}',                           # no response
            b'{"id":"e3","seeker":"hi","response":"broken',        # malformed JSON
            b'',                                                  # empty line
            b'{"id":"e4","seeker":"\xff","response":"\xfe hugs"}',
            json.dumps({"id": "e5", "seeker": "", "response": ("so sorry " * 120000)}).encode(),
            b'{"id":"e6","seeker":"","response":""}',
        ]
        out = self.run_empathy(b"\n".join(lines) + b"\n")
        self.assertEqual(out.returncode, 0, out.stderr)
        answers = [json.loads(l) for l in out.stdout.decode().splitlines()]
        self.assertEqual(len(answers), len(lines))
        for i in (0, 5, 6):
            for key in ("emotional_reactions", "interpretations", "explorations"):
                self.assertIn(answers[i][key], (0, 1, 2), i)
        self.assertEqual(answers[0]["emotional_reactions"], 2)
        for i in (1, 2, 3, 4):
            self.assertIn("error", answers[i], i)
        self.assertEqual(answers[6]["id"], "e6")
        self.assertNotIn(b"broken", out.stdout, "errors never quote the input")

    def test_readable_pair(self):
        proc = subprocess.run([HAVEN, "empathy", "--seeker", "I failed my exam",
                               "--response", "That must be so disappointing. How are you feeling?"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn(b"Interpretations", proc.stdout)
        self.assertIn(b"strong", proc.stdout)


if __name__ == "__main__":
    unittest.main(verbosity=1)
