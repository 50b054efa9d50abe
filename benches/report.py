#!/usr/bin/env python3
"""Turns one run of the peer benchmarks into docs/BENCHMARKS.md.

    python3 benches/report.py                 # build, run `cargo bench` and the Python script
    python3 benches/report.py --from run.txt  # reuse a saved `cargo bench` output
    python3 benches/report.py --bin PATH      # the bench binary, for code sizes (with --from)

The run is built with `-C symbol-mangling-version=v0` (it changes symbol names only, not the
code), so that `nm` can attribute each monomorphized function to the system and workload
whose types it names: that is the code-size table.
"""

import argparse
import json
import os
import platform
import re
import subprocess
import sys
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).absolute().parent.parent
OUT = ROOT / "docs" / "BENCHMARKS.md"

SYSTEMS = [
    ("floor", "hand-written state machine", "floor"),
    ("corogen", "corogen", "corogen_impl"),
    ("genawaiter_stack", "genawaiter 0.99 (stack)", "genawaiter_stack"),
    ("genawaiter_rc", "genawaiter 0.99 (rc)", "genawaiter_rc"),
    ("next_gen", "next-gen 0.1", "next_gen_impl"),
    ("fauxgen", "fauxgen 0.1", "fauxgen_impl"),
    ("diapause", "diapause 0.2", "diapause_impl"),
    ("corosensei", "corosensei 0.3 (stackful)", "corosensei_impl"),
    ("generator", "generator 0.8 (stackful)", "generator_impl"),
]
COLUMNS = [
    ("w1_iterate", None, "W1 iterate", "w1"),
    ("w1_iterate_via_pointer", None, "W1 via pointer", "w1ptr"),
    ("w2_send", None, "W2 send", "w2"),
    ("w3_delegation", "1", "W3 depth 1", "w3/1"),
    ("w3_delegation", "8", "W3 depth 8", "w3/8"),
    ("w3_delegation", "64", "W3 depth 64", "w3/64"),
    ("w4_many", None, "W4 many", "w4"),
    ("w5_large_state", None, "W5 large state", "w5"),
]
# Which names in a symbol tie it to a workload, checked in this order (a W3 chain names the
# W2 coroutine it ends in, so W3 goes first).
WORKLOAD_NAMES = [
    ("w1ptr", ["w1_ptr", "drive_iter"]),
    ("w3", ["chain", "level", "forward", "w3", "Level"]),
    ("w4", ["counter", "w4_setup", "w4_run", "w4", "Counter"]),
    ("w5", ["large", "w5", "Large"]),
    ("w1", ["squares", "w1", "Squares"]),
    ("w2", ["echo", "drive_sends", "w2", "Echo"]),
]
# The crates whose own (not bench-specific) code is each system's runtime.
RUNTIME_CRATES = {
    "corogen": ["corogen"],
    "genawaiter_stack": ["genawaiter"],
    "genawaiter_rc": ["genawaiter"],
    "next_gen": ["next_gen"],
    "fauxgen": ["fauxgen"],
    "diapause": ["diapause"],
    "corosensei": ["corosensei"],
    "generator": ["generator"],
}
UNITS = {"ns": 1e-9, "µs": 1e-6, "us": 1e-6, "ms": 1e-3, "s": 1.0}


def run_bench(target_dir):
    env = dict(os.environ)
    env["RUSTFLAGS"] = (env.get("RUSTFLAGS", "") + " -C symbol-mangling-version=v0").strip()
    env["CARGO_TARGET_DIR"] = str(target_dir)
    cmd = ["cargo", "bench", "-p", "corogen-bench", "--bench", "peers", "--", "--color", "never"]
    print("+", " ".join(cmd), file=sys.stderr)
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    sys.stderr.write(proc.stderr[-2000:])
    if proc.returncode != 0:
        sys.exit(f"cargo bench failed ({proc.returncode})")
    m = re.search(r"Running .*?\((.*?peers-[0-9a-f]+)\)", proc.stderr)
    binary = Path(m.group(1)) if m else None
    if binary is not None and not binary.is_absolute():
        binary = ROOT / binary
    return proc.stdout, binary


def parse_divan(text):
    """{(group, bench, arg or None): median seconds}, from divan's tree table."""
    medians = {}
    path = ["peers"]
    for line in text.splitlines():
        if "│" not in line or line.startswith("peers "):
            continue
        m = re.match(r"^((?:[│ ]  |[├╰]─ )*)(\S+)(.*)$", line)
        if not m:
            continue
        prefix, name, rest = m.groups()
        depth = len(prefix) // 3
        path = path[:depth] + [name]
        cells = [c.strip() for c in rest.split("│")]
        if not cells[0]:
            continue
        median = cells[2].split()
        if len(median) != 2:
            continue
        seconds = float(median[0]) * UNITS[median[1]]
        group, bench = path[1], path[2]
        arg = path[3] if len(path) > 3 else None
        medians[(group, bench, arg)] = seconds
    return medians


def parse_extras(text):
    sizes = defaultdict(dict)
    resumes = {}
    for line in text.splitlines():
        parts = line.split()
        if parts[:1] == ["size"] and len(parts) == 6:
            system, workload = parts[1], parts[2]
            sizes[system][workload] = tuple(int(p) for p in parts[3:])
        elif parts[:1] == ["resumes"]:
            for kv in parts[1:]:
                k, v = kv.split("=")
                resumes[k] = int(v)
    return sizes, resumes


def run_python():
    script = ROOT / "benches" / "python" / "workloads.py"
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True)
    if proc.returncode != 0:
        print(proc.stderr, file=sys.stderr)
        return None
    return json.loads(proc.stdout)


def code_sizes(binary):
    """{system: {workload: bytes}} and {system: runtime bytes}, from the binary's symbols."""
    out = subprocess.run(
        ["nm", "-C", "--size-sort", "-S", str(binary)], capture_output=True, text=True
    ).stdout
    per = defaultdict(lambda: defaultdict(int))
    runtime = defaultdict(int)
    for line in out.splitlines():
        parts = line.split(None, 3)
        if len(parts) < 4 or parts[2].lower() not in ("t", "w"):
            continue
        size, name = int(parts[1], 16), parts[3]
        hit = False
        for system, _, module in SYSTEMS:
            if f"corogen_bench::{module}::" not in name:
                continue
            for workload, names in WORKLOAD_NAMES:
                if any(
                    re.search(rf"corogen_bench::{module}::{n}\b", name) for n in names
                ):
                    per[system][workload] += size
                    hit = True
                    break
            if hit:
                break
        if hit or "corogen_bench" in name:
            continue
        for system, crates in RUNTIME_CRATES.items():
            if any(re.match(rf"^[<&]*{c}::", name) for c in crates):
                runtime[system] += size
    return per, runtime


def machine():
    cpu = platform.processor() or platform.machine()
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True, cwd=ROOT)
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent,
    )
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "os": f"{platform.system()} {platform.release()}",
        "rustc": rustc.stdout.strip(),
        "commit": os.environ.get("COROGEN_COMMIT") or commit.stdout.strip(),
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
    }


def fmt_time(seconds):
    ns = seconds * 1e9
    if ns < 10:
        return f"{ns:.2f} ns"
    if ns < 1000:
        return f"{ns:.1f} ns"
    return f"{ns / 1000:.2f} µs"


def per_resume(medians, resumes):
    table = {}
    for system, _, _ in SYSTEMS:
        for group, arg, _, key in COLUMNS:
            t = medians.get((group, system, arg))
            if t is not None:
                table[(system, key)] = t / resumes[key.split("/")[0]]
    return table


def render(table, sizes, resumes, py, codes, runtime, info, goals, instr=None):
    lines = []
    w = lines.append
    w("# Benchmarks")
    w("")
    w(
        "corogen against the generator crates a Rust user would pick instead, and against a "
        "hand-written state machine for each workload (the floor). Made by "
        "`python3 benches/report.py` from one run of `cargo bench -p corogen-bench`; the "
        "sources are in `benches/suite/` (one module per system) and `benches/python/`."
    )
    w("")
    w(
        f"Machine: {info['cpu']}, {info['cores']} cores, {info['os']}; {info['rustc']}; "
        f"corogen at {info['commit']}; {info['date']}. The machine is shared (other builds ran "
        "on the same cores during the run), so wall-clock medians carry noise of a few tens "
        "of percent; the instruction counts in the analysis below are exact."
    )
    w("")
    w("## Time per resume")
    w("")
    w(
        "Median time of one run of the workload divided by its number of resumes "
        f"(W1, W2, W5: {resumes['w1']:,}; W3: {resumes['w3']:,} per depth; W4: "
        f"{resumes['w4']:,}), and in brackets the ratio to the floor's cell. Every yielded value "
        "is passed through `black_box`, so no loop folds into a closed form."
    )
    w("")
    w("| system | " + " | ".join(c[2] for c in COLUMNS) + " |")
    w("|---|" + "---:|" * len(COLUMNS))
    for system, label, _ in SYSTEMS:
        cells = []
        for _, _, _, key in COLUMNS:
            t = table.get((system, key))
            floor = table.get(("floor", key))
            if t is None:
                cells.append("—")
            elif system == "floor" or not floor:
                cells.append(fmt_time(t))
            else:
                cells.append(f"{fmt_time(t)} ({t / floor:.1f}×)")
        w(f"| {label} | " + " | ".join(cells) + " |")
    if py:
        cells = []
        for _, _, _, key in COLUMNS:
            t = py["seconds_per_resume"].get(key)
            floor = table.get(("floor", key))
            cells.append(f"{fmt_time(t)} ({t / floor:.0f}×)" if t and floor else "—")
        w(f"| Python {py['python']} generators | " + " | ".join(cells) + " |")
    w("")
    if instr:
        w("### Instructions per resume")
        w("")
        w(
            "Counted by callgrind (`python3 benches/instructions.py`): exact and repeatable, "
            "unlike the timings above. Each cell is the difference between a run with 20,000 "
            "resumes (W4: the whole workload) and one with none (W4: its setup), divided by "
            "the resumes, so making the generator does not count."
        )
        w("")
        w("| system | " + " | ".join(c[2] for c in COLUMNS) + " |")
        w("|---|" + "---:|" * len(COLUMNS))
        for system, label, _ in SYSTEMS:
            cells = []
            for _, _, _, key in COLUMNS:
                v = instr.get(f"{system} {key}")
                f = instr.get(f"floor {key}")
                if v is None:
                    cells.append("—")
                elif system == "floor" or not f:
                    cells.append(f"{v:.0f}")
                else:
                    cells.append(f"{v:.0f} ({v / f:.1f}×)")
            w(f"| {label} | " + " | ".join(cells) + " |")
        w("")
    w("### Goals")
    w("")
    for line in goals:
        w(f"- {line}")
    w("")
    w("## Size per generator")
    w("")
    w(
        "Bytes: `size_of` the value the user holds (for genawaiter `stack`, the shelf plus the "
        "handle; for next-gen, the generator `mk_gen!` pins); + heap bytes allocated to make "
        "it; + stack reserved (stackful systems map a stack per coroutine; W4 gives them "
        "16 KiB). W3 is one level of the chain."
    )
    w("")
    w("| system | W1 | W2 | W3 level | W4 | W5 |")
    w("|---|---:|---:|---:|---:|---:|")
    for system, label, _ in SYSTEMS:
        cells = []
        for workload in ("w1", "w2", "w3", "w4", "w5"):
            s = sizes.get(system, {}).get(workload)
            if s is None:
                cells.append("—")
                continue
            inline, heap, stack = s
            cell = f"{inline}"
            if heap:
                cell += f" + {heap} heap"
            if stack:
                cell += f" + {stack // 1024} KiB stack"
            cells.append(cell)
        w(f"| {label} | " + " | ".join(cells) + " |")
    if py:
        w(
            f"| Python {py['python']} | {py['seconds_per_resume']['size']} (generator + frame) "
            "| | | | |"
        )
    w("")
    if codes:
        w("## Generated code")
        w("")
        w(
            "Bytes of machine code in the bench binary (`nm --size-sort`, v0 symbol names) of "
            "the functions monomorphized for each workload: the workload driver, the body, "
            "and every generic function of the system instantiated with that body's types. "
            "Inlined code counts where it was inlined. *Runtime* is the system's code shared "
            "by every generator (functions of its crate that name no workload type)."
        )
        w("")
        w("| system | W1 | W2 | W3 | W4 | W5 | runtime |")
        w("|---|---:|---:|---:|---:|---:|---:|")
        for system, label, _ in SYSTEMS:
            row = [str(codes.get(system, {}).get(k, 0)) for k in ("w1", "w2", "w3", "w4", "w5")]
            rt = runtime.get(system, 0) if system != "floor" else 0
            w(f"| {label} | " + " | ".join(row) + f" | {rt} |")
        w("")
    w("## What each system runs")
    w("")
    w(
        "- **floor**: a struct per workload with a `next`/`send` method; W3's floor is a chain "
        "of boxed levels each forwarding to the one below (what one writes by hand), so it "
        "grows with depth; W4 keeps the 10,000 structs by value in the `VecDeque`."
    )
    w(
        "- **corogen**: `#[generator]` functions; W1/W5 iterate a `pin!`ned generator, W2/W3 "
        "use `start`/`send`, W3 is `yield_from!(Box::pin(chain(depth - 1)))` as in "
        "`tests/delegation.rs`, W4 queues `Pin<Box<Gen>>` and iterates each."
    )
    w(
        "- **genawaiter, next-gen, fauxgen**: no delegation. W3's levels are generators that "
        "resume the level below and yield its value (the closest honest equivalent of "
        "`yield from`), the level below boxed (`dyn` for next-gen and fauxgen, the boxed "
        "future for genawaiter), so a resume passes through every level. They take the first "
        "resume's argument as a start (genawaiter and next-gen discard it)."
    )
    w(
        "- **genawaiter `stack`**: `Gen::new` on a `Shelf` is `unsafe`; in W4 the shelves are "
        "one `Vec` and each generator is made in place during the timed run (no allocation)."
    )
    w(
        "- **diapause**: W3 uses its delegation `yield_all!`, `box` for the recursive level; "
        "its levels are nested enums, so a resume passes through every level. W4 tracks "
        "`start()` versus `resume()` with a flag."
    )
    w(
        "- **corosensei, generator**: stackful; no delegation, so W3's levels are coroutines "
        "resuming the one below (two context switches per level per resume). generator's "
        "return value has the yield type. Making them maps a stack (`mmap`), which W1–W3 and "
        "W5 include once per run of 100,000 (W3: 20,000) resumes; W4 makes them untimed."
    )
    w("")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--from", dest="src", help="a saved `cargo bench` output")
    ap.add_argument("--bin", help="the bench binary (for code sizes)")
    ap.add_argument("--no-python", action="store_true")
    ap.add_argument("--out", default=str(OUT))
    ap.add_argument("--notes", help="a Markdown file appended to the report (the analysis)")
    ap.add_argument(
        "--instructions", help="a JSON table written by `benches/instructions.py --json`"
    )
    args = ap.parse_args()

    if args.src:
        text = Path(args.src).read_text()
        binary = Path(args.bin) if args.bin else None
    else:
        target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
        text, binary = run_bench(target)
        saved = target / "peers-bench.txt"
        saved.write_text(text)
        print(f"saved the run to {saved}", file=sys.stderr)
    medians = parse_divan(text)
    sizes, resumes = parse_extras(text)
    table = per_resume(medians, resumes)
    py = None if args.no_python else run_python()
    codes, runtime = code_sizes(binary) if binary and binary.exists() else ({}, {})
    goals = judge(table)
    instr = json.loads(Path(args.instructions).read_text()) if args.instructions else None
    doc = render(table, sizes, resumes, py, codes, runtime, machine(), goals, instr)
    if args.notes:
        doc += "\n" + Path(args.notes).read_text()
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(doc)
    print(f"wrote {args.out}", file=sys.stderr)
    for line in goals:
        print(line)


def judge(table):
    """The goals of corogen, checked against this run."""
    out = []
    for key, label in (("w1", "W1"), ("w2", "W2"), ("w5", "W5")):
        t, f = table.get(("corogen", key)), table.get(("floor", key))
        if t and f:
            ok = "met" if t <= 1.1 * f else "missed"
            out.append(f"{label} within 1.1× of the floor: **{ok}** ({t / f:.2f}×)")
    d1, d64 = table.get(("corogen", "w3/1")), table.get(("corogen", "w3/64"))
    if d1 and d64:
        ok = "met" if d64 <= 2 * d1 else "missed"
        out.append(f"W3 flat in depth, depth 64 within 2× of depth 1: **{ok}** ({d64 / d1:.2f}×)")
    for _, _, label, key in COLUMNS:
        mine = table.get(("corogen", key))
        if mine is None:
            continue
        peers = [
            (table[(s, key)], name)
            for s, name, _ in SYSTEMS
            if s not in ("floor", "corogen") and (s, key) in table
        ]
        if not peers:
            continue
        best, who = min(peers)
        ok = "met" if mine < best else "missed"
        out.append(
            f"{label}: faster than every peer: **{ok}** (corogen {fmt_time(mine)}, fastest "
            f"peer {who} {fmt_time(best)})"
        )
    return out


if __name__ == "__main__":
    main()
