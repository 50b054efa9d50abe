#!/usr/bin/env bash
# System calls per echo round trip of the executor's server and of the hand-written polling
# loop, counted by `perf stat` on the server's thread alone (the load generator is a process of
# its own and is not counted). A round trip is one `sendto` of the server.
#
#   benches/echo_syscalls.sh [BENCH_BINARY]
#
# BENCH_BINARY defaults to the echo benchmark that `cargo bench --bench echo --no-run` builds.
# Needs `perf` and access to the syscall tracepoints (root, or kernel.perf_event_paranoid <= 1).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-$(cargo bench --bench echo --no-run --message-format=json 2>/dev/null |
    sed -n 's/.*"executable":"\([^"]*\/echo-[^"]*\)".*/\1/p' | tail -1)}
events=raw_syscalls:sys_enter
for call in recvfrom sendto epoll_ctl epoll_pwait read timerfd_settime; do
    events+=",syscalls:sys_enter_$call"
done
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for server in "corogen_executor corogen-echo" "polling_by_hand polling-echo"; do
    set -- $server
    "$bin" --bench "$1" --sample-count 5 --sample-size 1 >/dev/null 2>&1 &
    pid=$!
    sleep 0.5 # the server thread starts with the first sample
    perf stat --per-thread -x, -e "$events" -o "$out" -p "$pid" 2>/dev/null &
    perf_pid=$!
    wait "$pid"
    kill -INT "$perf_pid"
    wait "$perf_pid" || true
    echo "$1 (thread $2), per round trip:"
    grep "^$2" "$out" | awk -F, '{ sub(/.*sys_enter_?/, "", $4); n[$4] = $2 }
        END { for (k in n) if (k != "") printf "  %-16s %6.3f\n", k, n[k] / n["sendto"];
              printf "  %-16s %6.3f\n", "all", n[""] / n["sendto"] }'
done
