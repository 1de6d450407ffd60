#!/usr/bin/env python3
"""config/systemd/haven@.service passes `systemd-analyze verify` (syntax, directives, the
command), instantiated for one port with the binary under test in place of /usr/local/bin/haven.
Exit 77 (skip) where systemd-analyze is not installed.

Run: systemd_unit_test.py BUILD/cli/haven
"""
import os
import shutil
import subprocess
import sys
import tempfile

HAVEN = os.path.abspath(sys.argv[1])
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main():
    tool = shutil.which("systemd-analyze")
    if not tool:
        print("SKIP: systemd-analyze is not installed")
        sys.exit(77)
    with open(os.path.join(ROOT, "config", "systemd", "haven@.service")) as f:
        unit = f.read()
    if "/usr/local/bin/haven serve" not in unit:
        sys.exit("FAIL: the unit no longer runs /usr/local/bin/haven serve")
    tmp = tempfile.mkdtemp(prefix="haven-unit-")
    try:
        path = os.path.join(tmp, "haven@8081.service")
        with open(path, "w") as f:
            f.write(unit.replace("/usr/local/bin/haven", HAVEN))
        r = subprocess.run([tool, "verify", "--man=no", path], capture_output=True, text=True,
                           timeout=60)
        # Only the unit's own findings count (the host's other units may have theirs).
        mine = [l for l in (r.stdout + r.stderr).splitlines() if "haven@" in l]
        if r.returncode != 0 or mine:
            sys.exit("FAIL: systemd-analyze verify: rc %d\n%s%s" % (r.returncode, r.stdout,
                                                                    r.stderr))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("ok")


if __name__ == "__main__":
    main()
