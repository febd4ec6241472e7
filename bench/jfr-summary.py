#!/usr/bin/env python3
"""Summarise a JFR recording of the gateway under load (bench/profile.sh): allocation per request, CPU share per
frame (self and inclusive, over all execution samples), top allocation sites, GC pauses.
Usage: jfr-summary.py RECORDING.jfr REQUESTS [REQ_PER_S]"""
import collections, os, re, subprocess, sys

rec, reqs = sys.argv[1], int(sys.argv[2])
rps = sys.argv[3] if len(sys.argv) > 3 else "?"
jfr = os.path.join(os.environ.get("JAVA_HOME", "/usr"), "bin", "jfr")

def events(name, depth=0):
    args = [jfr, "print", "--events", name] + (["--stack-depth", str(depth)] if depth else []) + [rec]
    cur = None
    for line in subprocess.run(args, capture_output=True, text=True).stdout.splitlines():
        s = line.strip()
        if s.endswith("{") and s.startswith("jdk."):
            cur = {"stack": []}
        elif s == "}" and cur is not None and not line.startswith("  "):
            yield cur
            cur = None
        elif cur is not None:
            if " = " in s and not s.startswith("stackTrace"):
                k, v = s.split(" = ", 1)
                cur.setdefault(k, v)
            elif "line:" in s or s.endswith(")"):
                cur["stack"].append(re.sub(r"\(.*", "", s))

# allocation: per thread, the last counter minus the first within the recording
first, last = {}, {}
for e in events("jdk.ThreadAllocationStatistics"):
    t = e.get("thread", "?")
    b = int(re.sub(r"[^0-9]", "", e.get("allocated", "0").split(" ")[0]) or 0)
    unit = e.get("allocated", "").split(" ")[-1]
    mult = {"bytes": 1, "kB": 1024, "MB": 1024 ** 2, "GB": 1024 ** 3}.get(unit, 1)
    v = float(e.get("allocated", "0").split(" ")[0]) * mult
    first.setdefault(t, v); last[t] = v
per_thread = sorted(((last[t] - first[t], t) for t in last), reverse=True)
total = sum(b for b, _ in per_thread)
print(f"requests {reqs} ({rps} req/s); allocated {total/1e6:.1f} MB in the window = {total/max(reqs,1):,.0f} bytes/request")
for b, t in per_thread[:6]:
    print(f"  {b/max(reqs,1):>9,.0f} B/req  {t}")

samples = list(events("jdk.ExecutionSample", 96))
n = len(samples)
selfc, incl = collections.Counter(), collections.Counter()
for e in samples:
    st = e["stack"]
    if st:
        selfc[st[0]] += 1
    for f in set(st):
        incl[f] += 1
print(f"\nCPU: {n} execution samples")
print("top frames, self:")
for f, c in selfc.most_common(25):
    print(f"  {100*c/n:5.1f}%  {f}")
threads, nearest = collections.Counter(), collections.Counter()
for e in samples:
    threads[re.sub(r" \(javaThreadId.*", "", e.get("sampledThread", "?"))] += 1
    nearest[next((f for f in e["stack"] if f.startswith("dev.switchboard")), "(no frame of ours: " +
                 (e["stack"][-1] if e["stack"] else "?") + ")")] += 1
print("samples by thread:")
for t, c in threads.most_common(6):
    print(f"  {100*c/n:5.1f}%  {t}")
print("by the nearest frame of ours (its own code and the library code it calls):")
for f, c in nearest.most_common(40):
    print(f"  {100*c/n:5.1f}%  {f}")
print("ours (dev.switchboard), inclusive:")
for f, c in [x for x in incl.most_common() if x[0].startswith("dev.switchboard")][:45]:
    print(f"  {100*c/n:5.1f}%  {f}")
print("libraries, inclusive (top 25):")
for f, c in [x for x in incl.most_common() if not x[0].startswith("dev.switchboard")][:25]:
    print(f"  {100*c/n:5.1f}%  {f}")

w = collections.Counter(); wtot = 0; seen = set()
for e in events("jdk.ObjectAllocationSample", 8):
    if e.get("eventThread") not in seen:  # a thread's first sample weighs everything it allocated before the recording
        seen.add(e.get("eventThread")); continue
    v = e.get("weight", "0 bytes").split(" ")
    b = float(v[0]) * {"bytes": 1, "kB": 1024, "MB": 1024 ** 2, "GB": 1024 ** 3}.get(v[-1], 1)
    site = next((f for f in e["stack"] if f.startswith("dev.switchboard")), e["stack"][0] if e["stack"] else "?")
    w[(e.get("objectClass", "?").split(" ")[0], site)] += b; wtot += b
print("\nallocation (sampled weight), top sites: class @ first frame of ours")
for (cls, site), b in w.most_common(30):
    print(f"  {100*b/max(wtot,1):5.1f}%  {cls} @ {site}")

def ms(v):
    num, unit = v.split(" ")[0], v.split(" ")[-1]
    return float(num) * {"ns": 1e-6, "us": 1e-3, "ms": 1, "s": 1000}.get(unit, 1)
pauses = [e for e in events("jdk.GarbageCollection")]
total_ms = sum(ms(e.get("sumOfPauses", "0 ms")) for e in pauses)
print(f"\nGC: {len(pauses)} collections in the window, pauses {total_ms:.1f} ms in all = {1000*total_ms/max(reqs,1):.1f} us/request")
for e in sorted(pauses, key=lambda e: -ms(e.get("sumOfPauses", "0 ms")))[:4]:
    print("  ", e.get("name"), e.get("cause"), "pause", e.get("sumOfPauses"))
