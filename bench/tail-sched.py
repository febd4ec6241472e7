#!/usr/bin/env python3
"""Lines up the slowest 1 % of requests (LoadGen --trace) with what ran on the gateway's core, from the kernel's own
record of it (perf record -e sched:sched_switch -k CLOCK_MONOTONIC -C <core>), and with the pauses (young and full) of a GC log
written with the timenanos decorator (-Xlog:gc:file=F:timenanos). Unlike JFR's samples this sees every thread and
process that took the core, to the microsecond, and costs the gateway nothing measurable.

  tail-sched.py LATENCIES.txt SCHED.data [GC.log [TIDS]]   (TIDS: "tid name" lines of the gateway's threads)

A request is delayed by its core only while the core stays busy from its arrival until it is served, so each slow
request is put in the busy period (the core never idle for IDLE_US) that its send time falls in, and the busy period is
named for the first of: a GC pause (young or full) in it; another thread of the gateway on the core for more than OTHER_US in it
(the ledger writer, the request log, the JIT...); another process; else the event loop alone (queueing behind its own
work). Needs `perf` and JAVA_HOME unused; LoadGen's times are epoch microseconds, turned to the monotonic clock here."""
import bisect, collections, re, subprocess, sys, time

IDLE_US = 30.0   # an idle gap shorter than this does not end a busy period
OTHER_US = 100.0  # a thread other than the event loop must hold the core this long in a busy period to name it

lat_file, sched_file = sys.argv[1], sys.argv[2]
gc_file = sys.argv[3] if len(sys.argv) > 3 and sys.argv[3] != "-" else None
gw_tids = {}
if len(sys.argv) > 4:
    for l in open(sys.argv[4]):
        if l.strip():
            a, _, b = l.strip().partition(" ")
            gw_tids[int(a)] = b
offset_us = (time.time_ns() - time.monotonic_ns()) / 1000.0  # epoch - monotonic (stable unless the clock was stepped)

reqs = []
for l in open(lat_file):
    if l.strip():
        a, b = l.split()
        reqs.append((int(a) - offset_us, int(b)))
n = len(reqs)
by_lat = sorted(reqs, key=lambda r: r[1])
p50, p99 = by_lat[n // 2][1], by_lat[int(n * 0.99)][1]
slow = by_lat[int(n * 0.99):]
t_first, t_last = min(r[0] for r in reqs), max(r[0] + r[1] for r in reqs)

# sched_switch lines: "  tid [cpu] 1234.567890123: sched:sched_switch: prev_comm=... prev_pid=N ... ==> next_comm=X next_pid=M ..."
out = subprocess.run(["perf", "script", "-i", sched_file, "--ns", "-F", "time,trace"], capture_output=True, text=True).stdout
pat = re.compile(r"^\s*(\d+\.\d+):.*prev_pid=(\d+).*==> next_comm=(.*?) next_pid=(\d+)")
ivals = []  # (start_us, end_us, tid, comm): who held the core
cur = None
for line in out.splitlines():
    m = pat.match(line)
    if not m:
        continue
    t = float(m.group(1)) * 1e6
    if cur is not None:
        ivals.append((cur[0], t, cur[1], cur[2]))
    cur = (t, int(m.group(4)), m.group(3).strip())
ivals = [iv for iv in ivals if iv[1] > t_first - 100_000 and iv[0] < t_last + 100_000]

def group(tid, comm):
    if tid == 0: return "idle"
    if comm.startswith("vert.x-eventloo"): return "event loop"
    if comm == "VM Thread": return "VM Thread (GC, safepoints)"
    if comm.startswith("switchboard-led"): return "ledger writer"
    if comm.startswith("switchboard-req"): return "request log writer"
    if comm.startswith("switchboard-che"): return "WAL checkpointer"
    if comm.startswith("C1 Compiler") or comm.startswith("C2 Compiler"): return "JIT compiler"
    if comm.startswith("vert.x-worker"): return "vert.x workers"
    if tid in gw_tids or (not gw_tids and (comm.startswith("switchboard") or comm.startswith("vert.x"))):
        return "other gateway threads: " + gw_tids.get(tid, comm)
    return "other processes: " + comm

pauses = []  # (start_us, end_us, ms)
if gc_file:
    for l in open(gc_file):
        m = re.match(r"^\[(\d+)ns\].*Pause (?:Young|Full).* ([\d.]+)ms$", l.strip())
        if m:
            end = int(m.group(1)) / 1000.0
            d = float(m.group(2)) * 1000
            if t_first - 1e6 < end < t_last + 1e6:
                pauses.append((end - d, end, float(m.group(2))))

# the window's share of the core, by group (only what fell inside the measured requests' span)
share = collections.Counter()
for s, e, tid, comm in ivals:
    s2, e2 = max(s, t_first), min(e, t_last)
    if e2 > s2: share[group(tid, comm)] += e2 - s2
span = t_last - t_first
print(f"{n} requests, p50 {p50} us, p99 {p99} us; the slowest {len(slow)} (>= p99); {span/1e6:.1f} s of the core recorded")
print("the core's time in the measured span, by thread:")
for g, v in share.most_common(14):
    print(f"  {100*v/span:6.2f}%  {g}")
if gc_file:
    ds = sorted(p[2] for p in pauses)
    if ds:
        print(f"GC pauses (young and full) in the span: {len(ds)}, median {ds[len(ds)//2]:.2f} ms, max {ds[-1]:.2f} ms, total {sum(ds):.1f} ms")

# busy periods: runs of non-idle intervals, broken by an idle interval of IDLE_US or more
periods = []  # [start, end, Counter(group -> us)]
for s, e, tid, comm in ivals:
    g = group(tid, comm)
    if g == "idle":
        if e - s >= IDLE_US and periods and periods[-1][1] is None:
            periods[-1][1] = s
        continue
    if not periods or periods[-1][1] is not None:
        periods.append([s, None, collections.Counter()])
    periods[-1][2][g] += e - s
if periods and periods[-1][1] is None:
    periods[-1][1] = ivals[-1][1]
starts = [p[0] for p in periods]
pstarts = [p[0] for p in pauses]

def pause_in(a, b):
    i = bisect.bisect_left(pstarts, a - 50_000)
    for p in pauses[i:]:
        if p[0] > b: break
        if p[1] > a and p[0] < b: return p
    return None

cause = collections.Counter()
since_pause = collections.Counter()
lens = collections.Counter()
for t, lat in slow:
    end = t + lat
    i = bisect.bisect_right(starts, t) - 1
    per = periods[i] if i >= 0 and periods[i][1] >= t else None
    # a pause the request overlapped, or one in the busy period it arrived in
    p = pause_in(t, end) or (per and pause_in(per[0], t))
    if p:
        k = "in a GC pause" if p[1] > t else "after a GC pause, the core busy since"
        cause[k] += 1
        d = (t - p[1]) / 1000
        since_pause["overlapped it" if d < 0 else "<1 ms after" if d < 1 else "1-2 ms after" if d < 2 else "2-5 ms after" if d < 5 else ">=5 ms after"] += 1
        continue
    if per is None:
        cause["the core idle when it was sent (the load side, the network, the event loop's wake-up)"] += 1
        continue
    lens[int((per[1] - per[0]) / 1000)] += 1
    others = [(v, g) for g, v in per[2].items() if g not in ("event loop",) and v >= OTHER_US]
    # the gateway's own threads first (as the docstring says), then other processes; the largest within each
    ours = [o for o in others if not o[1].startswith("other processes")]
    if ours or others:
        v, g = max(ours or others)
        cause[f"busy period with {g} on the core"] += 1
    else:
        cause["busy period of the event loop alone"] += 1
print("what the slowest 1 % met (first match):")
for c, k in cause.most_common():
    print(f"  {k:5d}  {c}")
if since_pause:
    print("  those with a pause, by when they were sent: " + ", ".join(f"{k} {v}" for k, v in since_pause.most_common()))
# for the slow ones, CPU of each group during their time in flight
inflight = collections.Counter()
istarts = [iv[0] for iv in ivals]
for t, lat in slow:
    end = t + lat
    j = max(0, bisect.bisect_left(istarts, t) - 1)
    for s, e, tid, comm in ivals[j:]:
        if s > end: break
        o = min(e, end) - max(s, t)
        if o > 0: inflight[group(tid, comm)] += o
tot = sum(inflight.values())
print("the core during the slow requests' time in flight (share of their summed latency):")
for g, v in inflight.most_common(10):
    print(f"  {100*v/tot:6.2f}%  {g}")
