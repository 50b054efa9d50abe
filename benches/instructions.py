#!/usr/bin/env python3
"""Instructions per resume of every system and workload, counted by callgrind.

    python3 benches/instructions.py [--bin PATH] [--systems corogen,floor] [--n 20000]
    python3 benches/instructions.py --check     # the fast-path guard: fails over the limits

Wall-clock timings on a shared machine are noisy; instruction counts are repeatable. Each
cell runs the bench binary under `valgrind --tool=callgrind` twice, with `PEERS_ONLY` set to
`N` resumes and to 0 resumes (W4: the whole workload and its setup alone), and divides the
difference by the resumes, so making the generator and starting the process cancel out.
Context switches of the stackful peers do not confuse this: nothing is toggled.
Without --bin it builds the binary with `cargo bench --no-run`.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).absolute().parent.parent
SYSTEMS = [
    "floor", "corogen", "genawaiter_stack", "genawaiter_rc", "next_gen", "fauxgen",
    "diapause", "corosensei", "generator",
]
WORKLOADS = ["w1", "w1ptr", "w2", "w3/1", "w3/8", "w3/64", "w4", "w5"]
# Workloads only some systems run (the others get no cell).
ONLY = {"w1ptr": {"corogen", "floor"}}
# The fast-path guard (`--check`): corogen's instructions per resume may not exceed these.
# Callgrind counts are exact on the pinned toolchain, and a body that falls out of LLVM's
# inlining, or an out-of-line call left on a live path, costs 20 to 60 more: run this before
# every change to the resume path.
LIMITS = {"w1": 8, "w2": 23, "w5": 24, "w1ptr": 22}
W4_RESUMES = 10_000 * 100


def build():
    proc = subprocess.run(
        ["cargo", "bench", "-p", "corogen-bench", "--bench", "peers", "--no-run"],
        cwd=ROOT, capture_output=True, text=True,
    )
    if proc.returncode != 0:
        sys.exit(proc.stderr)
    m = re.search(r"\((.*?peers-[0-9a-f]+)\)", proc.stderr)
    path = Path(m.group(1))
    return path if path.is_absolute() else ROOT / path


def instructions(binary, spec):
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        env = dict(os.environ, PEERS_ONLY=spec)
        subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", str(binary)],
            env=env, capture_output=True, check=True,
        )
        for line in out.read_text().splitlines():
            if line.startswith(("summary:", "totals:")):
                return int(line.split()[1])
    raise RuntimeError(f"no totals for {spec}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin")
    ap.add_argument("--systems", default=",".join(SYSTEMS))
    ap.add_argument("--workloads", default=",".join(WORKLOADS))
    ap.add_argument("--n", type=int, default=20_000)
    ap.add_argument("--json", help="also write the table here")
    ap.add_argument("--check", action="store_true",
                    help="count corogen's guarded workloads and fail if one is over its limit")
    args = ap.parse_args()
    binary = Path(args.bin) if args.bin else build()
    if args.check:
        failed = []
        for w, limit in LIMITS.items():
            per = (instructions(binary, f"corogen {w} {args.n}")
                   - instructions(binary, f"corogen {w} 0")) / args.n
            verdict = "ok" if per <= limit else "OVER"
            print(f"corogen {w}: {per:.1f} instructions per resume (limit {limit}) {verdict}")
            if per > limit:
                failed.append(w)
        if failed:
            sys.exit(f"over the fast-path limits: {', '.join(failed)}")
        return
    table = {}
    workloads = args.workloads.split(",")
    print("| system | " + " | ".join(workloads) + " |")
    print("|---|" + "---:|" * len(workloads))
    for system in args.systems.split(","):
        cells = []
        for w in workloads:
            if system not in ONLY.get(w, {system}):
                cells.append("—")
                continue
            if w == "w4":
                full = instructions(binary, f"{system} w4 0")
                base = instructions(binary, f"{system} w4setup 0")
                per = (full - base) / W4_RESUMES
            else:
                full = instructions(binary, f"{system} {w} {args.n}")
                base = instructions(binary, f"{system} {w} 0")
                per = (full - base) / args.n
            table[f"{system} {w}"] = per
            cells.append(f"{per:.1f}")
        print(f"| {system} | " + " | ".join(cells) + " |", flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(table, indent=1))


if __name__ == "__main__":
    main()
