"""The peer benchmarks' workloads as Python 3 generators, timed in-process.

Prints one JSON object: for each workload, the median seconds per resume over several runs,
and the interpreter's version. `benches/report.py` runs it beside `cargo bench`.
"""

import collections
import json
import platform
import statistics
import sys
import time

N = 100_000
N3 = 20_000
DEPTHS = (1, 8, 64)
W4_COROUTINES = 10_000
W4_YIELDS = 100
RUNS = 7


def squares(n):
    for i in range(n):
        yield i * i


def w1(n):
    total = 0
    for v in squares(n):
        total += v
    return total


def echo():
    last = 0
    while True:
        v = yield last
        if v == 0:
            return last
        last = v * v


def drive_sends(g, n):
    next(g)
    send = g.send
    total = 0
    for i in range(1, n + 1):
        total += send(i)
    return total


def w2(n):
    return drive_sends(echo(), n)


def chain(depth):
    if depth <= 1:
        return (yield from echo())
    return (yield from chain(depth - 1))


def w3(depth, n):
    return drive_sends(chain(depth), n)


def counter():
    for i in range(W4_YIELDS):
        yield i


def w4_setup():
    return collections.deque(counter() for _ in range(W4_COROUTINES))


def w4_run(q):
    total = 0
    done = []
    popleft, append = q.popleft, q.append
    while q:
        g = popleft()
        try:
            total += next(g)
        except StopIteration:
            done.append(g)
        else:
            append(g)
    return total


def large(n):
    buf = bytearray(256)
    for i in range(n):
        k = i & 255
        buf[k] = (buf[k] + ((i & 255) | 1)) & 255
        yield buf[(i * 7) & 255]


def w5(n):
    total = 0
    for v in large(n):
        total += v
    return total


def median_per_resume(run, resumes, setup=None):
    times = []
    for _ in range(RUNS):
        arg = setup() if setup else None
        start = time.perf_counter()
        run(arg) if setup else run()
        times.append(time.perf_counter() - start)
    return statistics.median(times) / resumes


def main():
    assert w1(1000) == sum(i * i for i in range(1000))
    assert w2(1000) == sum(i * i for i in range(1, 1001))
    assert w3(8, 100) == sum(i * i for i in range(1, 101))
    assert w4_run(w4_setup()) == W4_COROUTINES * sum(range(W4_YIELDS))
    results = {
        "w1": median_per_resume(lambda: w1(N), N),
        "w2": median_per_resume(lambda: w2(N), N),
    }
    for depth in DEPTHS:
        results[f"w3/{depth}"] = median_per_resume(lambda d=depth: w3(d, N3), N3)
    results["w4"] = median_per_resume(w4_run, W4_COROUTINES * W4_YIELDS, setup=w4_setup)
    results["w5"] = median_per_resume(lambda: w5(N), N)
    g = counter()
    results["size"] = sys.getsizeof(g) + sys.getsizeof(g.gi_frame)
    json.dump(
        {"python": platform.python_version(), "seconds_per_resume": results},
        sys.stdout,
    )
    print()


if __name__ == "__main__":
    main()
