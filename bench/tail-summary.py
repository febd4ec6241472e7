#!/usr/bin/env python3
"""Lines up the slowest 1 % of requests (LoadGen --trace: intended send time in epoch microseconds, latency in
microseconds) with a JFR recording of the gateway: for each, was a GC pause, a safepoint, or another of the gateway's
threads (request log, ledger, JIT, GC) running while it was in flight?  Usage: tail-summary.py REC.jfr LATENCIES.txt"""
import collections, datetime, json, os, subprocess, sys

rec, lat_file = sys.argv[1], sys.argv[2]
jfr = os.path.join(os.environ.get("JAVA_HOME", "/usr"), "bin", "jfr")

def events(names):
    out = subprocess.run([jfr, "print", "--json", "--stack-depth", "1", "--events", names, rec], capture_output=True, text=True).stdout
    return json.loads(out)["recording"]["events"]

def us(ts):  # JFR JSON times: ISO 8601 with offset
    return datetime.datetime.fromisoformat(ts).timestamp() * 1e6

def dur_us(d):  # ISO 8601 duration "PT0.001234S"
    return float(d[2:-1]) * 1e6 if d.startswith("PT") and d.endswith("S") else 0.0

reqs = [tuple(map(int, l.split())) for l in open(lat_file) if l.strip()]
reqs.sort(key=lambda r: r[1])
n = len(reqs)
p50, p99 = reqs[n // 2][1], reqs[int(n * 0.99)][1]
slow = reqs[int(n * 0.99):]
print(f"{n} requests, p50 {p50} us, p99 {p99} us; the slowest {len(slow)} (>= p99):")

pauses = [(us(e["values"]["startTime"]), dur_us(e["values"]["duration"]), "GC " + e["values"]["name"])
          for e in events("jdk.GarbageCollection")]
safepoints = [(us(e["values"]["startTime"]), dur_us(e["values"]["duration"]), "safepoint")
              for e in events("jdk.SafepointBegin") if dur_us(e["values"]["duration"]) > 200]
samples = []
IDLE = ("Unsafe.park", "epoll", "ioUringEnter", "accept", "Object.wait", "Thread.sleep", "socketRead", "NioSocketImpl", "poll0")
for e in events("jdk.ExecutionSample,jdk.NativeMethodSample"):
    v = e["values"]
    t = v.get("sampledThread") or {}
    frames = ((v.get("stackTrace") or {}).get("frames") or [])
    top = frames[0]["method"] if frames else {}
    name = ((top.get("type") or {}).get("name") or "") + "." + (top.get("name") or "")
    if e["type"] == "jdk.NativeMethodSample" and any(k in name for k in IDLE):
        continue  # a thread waiting in native code (parked, in epoll_wait or accept) is not using the CPU
    samples.append((us(v["startTime"]), (t.get("javaName") or t.get("osName") or "?")))
samples.sort()
print(f"GC pauses in the recording: {len(pauses)}, total {sum(p[1] for p in pauses)/1000:.1f} ms, longest "
      f"{max([p[1] for p in pauses] or [0])/1000:.1f} ms; safepoints > 0.2 ms: {len(safepoints)}")

import bisect
times = [s[0] for s in samples]
cause = collections.Counter()
other = collections.Counter()
for start, lat in slow:
    end = start + lat
    hit = [p[2] for p in pauses + safepoints if p[0] < end and p[0] + p[1] > start]
    i, j = bisect.bisect_left(times, start), bisect.bisect_right(times, end)
    busy = collections.Counter(samples[k][1] for k in range(i, j) if "eventloop" not in samples[k][1])
    for t in busy: other[t] += 1
    if hit: cause[hit[0].split(" ")[0]] += 1
    elif busy: cause["another gateway thread ran: " + busy.most_common(1)[0][0]] += 1
    else: cause["nothing recorded (queueing behind other requests, the generator, the OS)"] += 1
print("what overlapped each slow request (first match):")
for c, k in cause.most_common(): print(f"  {k:5d}  {c}")
print("threads other than the event loop sampled while a slow request was in flight (requests):")
for t, k in other.most_common(8): print(f"  {k:5d}  {t}")
base = collections.Counter(s[1] for s in samples)
tot = len(samples)
print("all samples by thread (share of the recording):")
for t, k in base.most_common(8): print(f"  {100*k/tot:5.1f}%  {t}")
