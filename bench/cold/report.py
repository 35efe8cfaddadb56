#!/usr/bin/env python3
"""The Markdown report of bench/cold/run.sh: medians, ratios, upstream request counts, and what
Airlock's slowest cold requests waited for (from its access log). Standard library only."""
import argparse
import collections
import glob
import json
import os
import re
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import replay_log  # noqa: E402

WHAT = {"npm": "npm ci, %s packages", "maven": "mvn package, %s files downloaded",
        "pip-html": "pip install, %s projects, PEP 503 index", "pip-json": "pip install, %s projects, PEP 691 index"}
ACCESS = re.compile(r'"(\w+) (\S+)" (\d+) (\d+) ([\d.]+)ms (.*?)(?: queued=(\d+)ms)?(?: upstream=\[(.*)\])?$')


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--results", required=True)
    ap.add_argument("--work", required=True)
    a = ap.parse_args()
    rows = [json.loads(l) for l in open(a.results) if l.strip()]
    e = os.environ
    workloads = list(dict.fromkeys(r["workload"] for r in rows))
    rtts = list(dict.fromkeys(r["rtt"] for r in rows))
    g = collections.defaultdict(list)
    for r in rows:
        g[(r["workload"], r["rtt"], r["mode"])].append(r)

    out = []
    p = out.append
    p("## Cold path: direct vs Airlock (%s)" % os.path.basename(a.results))
    p("")
    p("- Machine: %s CPUs (%s), %s RAM, Linux %s; the clients, Airlock and the replay share it, all on 127.0.0.1."
      % (e.get("NPROC"), e.get("CPU_MODEL"), e.get("MEM"), e.get("KERNEL")))
    p("- %s; node %s, npm %s; %s; %s (%s)." % (e.get("JAVA_V"), e.get("NODE_V"), e.get("NPM_V"), e.get("MVN_V"), e.get("PIP_V"),
                                               e.get("PY_V")))
    p("- Airlock: git %s, embedded defaults (enforce, 72h minimum age), fresh data dir per cold run; warm = the same process "
      "and data dir right after. Replay: bandwidth %s, connect round trips %s. Median of %s runs; every run with a fresh "
      "client cache." % (e.get("GIT_INFO"), "unlimited" if e.get("BANDWIDTH", "0") == "0" else e.get("BANDWIDTH") + " B/s per connection",
                         e.get("CONNECT_RTTS", "0"), e.get("REPEAT")))
    p("")
    p("| workload | RTT | direct s | cold s | warm s | cold/direct | warm/direct | upstream requests direct / cold / warm |")
    p("|---|---|---:|---:|---:|---:|---:|---|")
    failed = []
    for w in workloads:
        for rtt in rtts:
            d, c, wm = (g[(w, rtt, m)] for m in ("direct", "cold", "warm"))
            if not d:
                continue
            for r in d + c + wm:
                if r["exit"] != 0 or r["misses"]:
                    failed.append(r)
            md, mc, mw = (median([r["seconds"] for r in x]) for x in (d, c, wm))
            inst = sorted({r["installed"] for r in d + c + wm})
            what = WHAT[w] % "/".join(str(i) for i in inst)
            p("| %s | %s | %.2f | %.2f | %.2f | **%.2f×** | %.2f× | %d / %d / %d |" % (
                what, rtt, md, mc, mw, mc / md, mw / md, median([r["upstream_requests"] for r in d]),
                median([r["upstream_requests"] for r in c]), median([r["upstream_requests"] for r in wm])))
    p("")
    p("Best of %s (the least disturbed run of each; other work on the machine only ever adds time):" % e.get("REPEAT"))
    p("")
    p("| workload | RTT | direct s | cold s | warm s | cold/direct | warm/direct |")
    p("|---|---|---:|---:|---:|---:|---:|")
    for w in workloads:
        for rtt in rtts:
            d, c, wm = (g[(w, rtt, m)] for m in ("direct", "cold", "warm"))
            if not d:
                continue
            bd, bc, bw = (min(r["seconds"] for r in x) if x else float("nan") for x in (d, c, wm))
            p("| %s | %s | %.2f | %.2f | %.2f | %.2f× | %.2f× |" % (w, rtt, bd, bc, bw, bc / bd, bw / bd))
    loads = [r.get("load1_before") for r in rows if r.get("load1_before") is not None]
    if loads:
        p("")
        p("1-minute load average before each run: %.2f to %.2f (2 CPUs; the client, Airlock and the replay account for up to "
          "about 2–3 of it)." % (min(loads), max(loads)))
    p("")
    if failed:
        p("**Runs that failed or missed recorded data** (their times are in the medians above):")
        for r in failed:
            p("- %s %s #%d %s: exit %d, %d misses" % (r["workload"], r["rtt"], r["rep"], r["mode"], r["exit"], r["misses"]))
        p("")
    p("<details><summary>Every run</summary>")
    p("")
    p("| workload | RTT | # | mode | s | exit | installed | upstream requests | Airlock CPU s | load before |")
    p("|---|---|---:|---|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        p("| %s | %s | %d | %s | %.2f | %d | %s | %d | %s | %s |" % (
            r["workload"], r["rtt"], r["rep"], r["mode"], r["seconds"], r["exit"], r["installed"], r["upstream_requests"],
            r.get("airlock_cpu_s", "") if r["mode"] != "direct" else "", r.get("load1_before", "")))
    p("")
    p("</details>")

    # Upstream requests by kind (first repeat), direct vs cold Airlock, and the overlap.
    p("")
    p("### Upstream requests by kind (first repeat; cold includes what Airlock did after the client finished)")
    for w in workloads:
        f = os.path.join(a.work, "replay-%s.tsv" % w)
        if not os.path.exists(f):
            continue
        segs = dict(replay_log.read(f))
        for rtt in rtts:
            d = segs.get("%s/%s/1/direct" % (w, rtt), [])
            c = segs.get("%s/%s/1/cold" % (w, rtt), []) + segs.get("%s/%s/1/cold-after" % (w, rtt), [])
            if not d and not c:
                continue
            kd = collections.Counter(replay_log.kind(r["path"], r["variant"], r["method"]) for r in d)
            kc = collections.Counter(replay_log.kind(r["path"], r["variant"], r["method"]) for r in c)
            p("")
            p("%s at %s: direct %d requests (most in flight %d), cold Airlock %d (most in flight %d, %d of them after the client "
              "finished)." % (w, rtt, len(d), replay_log.in_flight(d) if d else 0, len(c), replay_log.in_flight(c) if c else 0,
                              len(segs.get("%s/%s/1/cold-after" % (w, rtt), []))))
            p("")
            p("| kind | direct | cold Airlock |")
            p("|---|---:|---:|")
            for k in sorted(set(kd) | set(kc), key=lambda k: -(kc[k] + kd[k])):
                p("| %s | %d | %d |" % (k, kd[k], kc[k]))

    # Airlock's access log: what cold requests waited for.
    p("")
    p("### Airlock's slowest cold requests (access log, first repeat)")
    for w in workloads:
        for rtt in rtts:
            f = os.path.join(a.work, "logs", "%s-%s-1-airlock-access.log" % (w, rtt))
            if not os.path.exists(f):
                continue
            lines = []
            kinds = collections.defaultdict(lambda: [0, 0.0])
            queued = []
            for line in open(f, errors="replace"):
                m = ACCESS.search(line.strip())
                if not m or not m.group(8):
                    continue
                lines.append((float(m.group(5)), line.strip()))
                queued.append(int(m.group(7) or 0))
                for kk, n, ms in re.findall(r"(\w[\w-]*) (\d+)/(\d+)ms", m.group(8)):
                    kinds[kk][0] += int(n)
                    kinds[kk][1] += int(ms)
            if not lines:
                continue
            p("")
            p("%s at %s: %d requests waited on upstream; upstream work by kind (count, summed ms): %s; queued: median %d ms, "
              "max %d ms. Slowest:" % (w, rtt, len(lines), ", ".join("%s %d/%.0fms" % (k, v[0], v[1]) for k, v in
                                                                     sorted(kinds.items(), key=lambda kv: -kv[1][1])),
                                       median(queued), max(queued)))
            p("")
            p("```")
            for _, l in sorted(lines, reverse=True)[:8]:
                p(l[:260])
            p("```")
    print("\n".join(out))


if __name__ == "__main__":
    main()
