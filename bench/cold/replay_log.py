#!/usr/bin/env python3
"""Summarises a replay upstream's request log (ReplayUpstream --log FILE): what the clients, or
Airlock, asked the upstream for, per segment (the `# mark LABEL` lines run.sh writes).

  python3 bench/cold/replay_log.py LOG [--segment SUBSTRING] [--top 15] [--buckets 1.0]

For each segment: requests by kind and status, misses, bytes, the most requests in flight at once
and the average over the segment, in-flight over time (one row per --buckets seconds), the
slowest requests and the paths asked for more than once. Standard library only.
"""
import argparse
import collections
import re
import sys


def kind(path, variant, method="GET"):
    k = _kind(path, variant)
    return k if method == "GET" else "%s (%s)" % (k, method)


def _kind(path, variant):
    p = path.split("?")[0]
    if p.endswith("maven-metadata.xml"):
        return "maven-metadata"
    for suffix, k in ((".asc", "asc"), (".sigstore.json", "sigstore"), (".sha1", "checksum"), (".sha256", "checksum"),
                      (".sha512", "checksum"), (".md5", "checksum"), (".pom", "pom"), (".jar", "jar"), (".tgz", "tarball"),
                      (".whl.metadata", "core-metadata"), (".whl", "wheel"), (".tar.gz", "sdist"), (".zip", "zip")):
        if p.endswith(suffix):
            return k
    if p.startswith("/-/npm/v1/keys"):
        return "npm-keys"
    if p.startswith("/-/npm/v1/attestations/"):
        return "npm-attestations"
    if p.startswith("/simple/"):
        return "index-page" + ("-json" if variant == "pypi-json" else "")
    if p.startswith("/-/"):
        return "npm-other"
    if re.match(r"^/(@[^/]+/)?[^/@]+$", p):
        return "packument" + ("-abbreviated" if variant == "corgi" else "-full")
    return "other"


def read(path):
    """[(label, [request dict, ...]), ...] in log order."""
    segments = [("(start)", [])]
    with open(path) as f:
        for line in f:
            if line.startswith("# mark "):
                segments.append((line.split()[2], []))
                continue
            if line.startswith("#") or not line.strip():
                continue
            f_ = line.rstrip("\n").split("\t")
            if len(f_) < 9:
                continue
            segments[-1][1].append({"start": int(f_[0]), "end": int(f_[1]), "status": int(f_[2]), "bytes": int(f_[3]),
                                    "conn": f_[4], "method": f_[5], "path": f_[6], "flag": f_[8],
                                    # the variant served: a FALLBACK served the plain one
                                    "variant": "" if f_[7] == "-" or f_[8] == "FALLBACK" else f_[7]})
    return [(l, r) for l, r in segments if r]


def in_flight(reqs):
    edges = sorted([(r["start"], 1) for r in reqs] + [(r["end"], -1) for r in reqs], key=lambda e: (e[0], e[1]))
    now = most = 0
    for _, d in edges:
        now += d
        most = max(most, now)
    return most


def summary(label, reqs, top=15, bucket=1.0):
    out = []
    t0 = min(r["start"] for r in reqs)
    t1 = max(r["end"] for r in reqs)
    span = (t1 - t0) / 1e9
    busy = sum(r["end"] - r["start"] for r in reqs) / 1e9
    misses = [r for r in reqs if r["flag"] == "MISS"]
    out.append("## segment %s: %d requests, %.1f MB, %d misses, %d connections, span %.2f s, most in flight %d, average %.1f"
               % (label, len(reqs), sum(r["bytes"] for r in reqs) / 1e6, len(misses), len({r["conn"] for r in reqs}), span,
                  in_flight(reqs), busy / span if span > 0 else 0))
    kinds = collections.defaultdict(lambda: [0, 0.0, collections.Counter()])
    for r in reqs:
        k = kinds[kind(r["path"], r["variant"], r["method"])]
        k[0] += 1
        k[1] += (r["end"] - r["start"]) / 1e6
        k[2][r["status"]] += 1
    out.append("")
    out.append("| kind | requests | statuses | mean ms |")
    out.append("|---|---:|---|---:|")
    for k, (n, ms, st) in sorted(kinds.items(), key=lambda kv: -kv[1][0]):
        out.append("| %s | %d | %s | %.1f |" % (k, n, " ".join("%d×%d" % (c, s) for s, c in sorted(st.items())), ms / n))
    if bucket > 0 and span > 0:
        out.append("")
        out.append("in flight over time (average per %.1f s, from the segment's first request):" % bucket)
        n = int(span / bucket) + 1
        acc = [0.0] * n
        for r in reqs:
            a, b = (r["start"] - t0) / 1e9, (r["end"] - t0) / 1e9
            i = int(a / bucket)
            while i < n and i * bucket < b:
                lo, hi = max(a, i * bucket), min(b, (i + 1) * bucket)
                acc[i] += max(0.0, hi - lo) / bucket
                i += 1
        for i, v in enumerate(acc):
            out.append("  %6.1f s %5.1f %s" % (i * bucket, v, "#" * int(round(v))))
    out.append("")
    out.append("slowest %d:" % top)
    for r in sorted(reqs, key=lambda r: r["start"] - r["end"])[:top]:
        out.append("  %7.1f ms  at %7.3f s  %d  %s%s" % ((r["end"] - r["start"]) / 1e6, (r["start"] - t0) / 1e9, r["status"],
                                                     r["path"], " [" + r["variant"] + "]" if r["variant"] else ""))
    rep = collections.Counter((r["path"], r["variant"]) for r in reqs)
    again = [(k, c) for k, c in rep.most_common() if c > 1]
    out.append("")
    out.append("asked for more than once: %d paths%s" % (len(again), "" if not again else ", e.g.:"))
    for (p, v), c in again[:top]:
        out.append("  %3d× %s%s" % (c, p, " [" + v + "]" if v else ""))
    if misses:
        out.append("")
        out.append("misses (never recorded; run capture.sh again):")
        for p in sorted({r["path"] + (" [" + r["variant"] + "]" if r["variant"] else "") for r in misses})[:top]:
            out.append("  " + p)
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("log")
    ap.add_argument("--segment", help="only segments whose label contains this")
    ap.add_argument("--top", type=int, default=15)
    ap.add_argument("--buckets", type=float, default=1.0, help="seconds per in-flight row; 0: none")
    a = ap.parse_args()
    segs = read(a.log)
    if a.segment:
        segs = [(l, r) for l, r in segs if a.segment in l]
    if not segs:
        sys.exit("no requests in %s%s" % (a.log, " for segment " + a.segment if a.segment else ""))
    print("\n\n".join(summary(l, r, a.top, a.buckets) for l, r in segs))


if __name__ == "__main__":
    main()
