#!/usr/bin/env python3
"""Helpers for bench/load/run.sh (standard library only).

    results.py check  --manifest M --server airlock|nginx --package NAME --kind tarball|packument|packument-gzip
                      --body FILE --headers FILE --status CODE [--mount-url URL] [--second]
        Verifies one warm-up response: HTTP 200, the tarball's sha512 equals the fixture's, the
        packument is the fixture's document (byte for byte through nginx; same name, versions and
        latest, tarball links pointing at Airlock, through Airlock). Prints one line; exit 1 on failure.

    results.py table  --results R.jsonl --manifest M --facts F.json
        Renders the Markdown report (results table, targets, details) from the runs run.sh recorded.
"""

import argparse
import gzip
import hashlib
import json
import sys

# payload id -> (package, what wrk fetches, target ratio Airlock/nginx for req/s and MB/s)
PAYLOADS = {
    "small": ("bench-small", "tarball", 0.8),
    "mid": ("bench-mid", "tarball", 0.8),
    "medium": ("bench-medium", "tarball", 0.8),
    "big": ("bench-big", "packument", 0.5),
    "big-gzip": ("bench-big", "packument-gzip", 0.5),
}
RSS_TARGET_MB = 512


def headers_of(path):
    """Headers of the last response in a curl -D dump, lower-cased names."""
    blocks = open(path, "rb").read().decode("latin-1").replace("\r\n", "\n").strip().split("\n\n")
    out = {}
    for line in blocks[-1].split("\n")[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            out[k.strip().lower()] = v.strip()
    return out


def check(args):
    m = json.load(open(args.manifest))
    p = m["packages"][args.package]
    h = headers_of(args.headers)
    body = open(args.body, "rb").read()
    where = "%s %s %s" % (args.server, args.kind, args.package)
    problems = []
    if args.status != "200":
        problems.append("HTTP %s" % args.status)
    cache = h.get("x-airlock-cache" if args.server == "airlock" else "x-cache-status", "-")
    if not problems:
        if args.kind == "tarball":
            got = hashlib.sha512(body).hexdigest()
            if got != p["tarball_sha512"]:
                problems.append("tarball sha512 %s... differs from the fixture's %s..." % (got[:16], p["tarball_sha512"][:16]))
        else:
            enc = h.get("content-encoding", "")
            if args.kind == "packument-gzip":
                if enc.lower() != "gzip":
                    problems.append("asked for gzip, got Content-Encoding %r" % enc)
                else:
                    body = gzip.decompress(body)
            elif enc:
                problems.append("asked for identity, got Content-Encoding %r" % enc)
            if not problems:
                problems += check_packument(args, p, body)
    if args.second and not problems and cache.lower() != "hit":
        problems.append("second request was not a cache hit (%s)" % cache)
    size = len(open(args.body, "rb").read())
    if problems:
        print("  FAIL %-34s %s" % (where, "; ".join(problems)))
        sys.exit(1)
    print("  ok   %-34s %9d B  cache=%s" % (where, size, cache))


def check_packument(args, p, body):
    if args.server == "nginx":
        got = hashlib.sha512(body).hexdigest()
        return [] if got == p["packument_sha512"] else ["packument differs from the fixture's bytes"]
    try:
        doc = json.loads(body)
    except ValueError as e:
        return ["packument is not JSON: %s" % e]
    problems = []
    if doc.get("name") != args.package:
        problems.append("name %r" % doc.get("name"))
    if len(doc.get("versions", {})) != p["versions"]:
        problems.append("%d versions, fixture has %d" % (len(doc.get("versions", {})), p["versions"]))
    if doc.get("dist-tags", {}).get("latest") != p["latest"]:
        problems.append("latest %r" % doc.get("dist-tags", {}).get("latest"))
    prefix = args.mount_url + args.package + "/-/"
    bad = [v for v, d in doc.get("versions", {}).items() if not d.get("dist", {}).get("tarball", "").startswith(prefix)]
    if bad:
        problems.append("%d tarball links do not start with %s" % (len(bad), prefix))
    return problems


def fmt_rate(x):
    return "%.0f" % x if x >= 100 else "%.1f" % x


def fmt_us(us):
    if us >= 1_000_000:
        return "%.2f s" % (us / 1e6)
    if us >= 1000:
        return "%.2f ms" % (us / 1000)
    return "%d µs" % us


def label(pid, m):
    pkg, kind, _ = PAYLOADS[pid]
    p = m["packages"][pkg]
    if kind == "tarball":
        return "tarball %s (%s)" % (human(p["tarball_bytes"]), pkg)
    if kind == "packument":
        return "packument %s, %d versions, identity" % (human(p["packument_bytes"]), p["versions"])
    return "packument, `Accept-Encoding: gzip` (%s gzip'd)" % human(p["packument_gzip_bytes"])


def human(n):
    if n >= 1_000_000:
        return "%.1f MB" % (n / 1e6)
    if n >= 1000:
        return "%.0f KB" % (n / 1e3) if n >= 10_000 else "%.1f KB" % (n / 1e3)
    return "%d B" % n


def table(args):
    m = json.load(open(args.manifest))
    facts = json.load(open(args.facts))
    runs = [json.loads(line) for line in open(args.results) if line.strip()]
    by = {(r["payload"], r["conns"], r["server"]): r for r in runs}
    rows = []
    for r in runs:
        key = (r["payload"], r["conns"])
        if key not in rows:
            rows.append(key)

    def stats(r):
        w = r["wrk"]
        secs = w["duration_us"] / 1e6
        return {
            "rps": w["requests"] / secs,
            "mbps": w["bytes"] / secs / 1e6,
            "p50": w["p50_us"], "p99": w["p99_us"], "p90": w["p90_us"], "p999": w["p999_us"], "max": w["max_us"],
            "requests": w["requests"],
            "bpr": w["bytes"] / w["requests"] if w["requests"] else 0,
            "non2xx": w["err_status"],
            "sock": "%d/%d/%d/%d" % (w["err_connect"], w["err_read"], w["err_write"], w["err_timeout"]),
            "sock_total": w["err_connect"] + w["err_read"] + w["err_write"] + w["err_timeout"],
            "cpu": r["server_cpu_s"] / r["wall_s"] if r["wall_s"] else 0,
            "busy": r["machine_busy_s"] / r["wall_s"] if r["wall_s"] else 0,
            "rss": r["rss_kb"] / 1024,
            "cpu_per_req": r["server_cpu_s"] * 1e6 / w["requests"] if w["requests"] else 0,
        }

    out = []
    out.append("### Results: %s, `DURATION=%s`, wrk `-t%s --latency`" % (facts["date"], facts["duration"], facts["threads"]))
    out.append("")
    out.append("Warm caches, 127.0.0.1, same fixture upstream behind both. Ratio = Airlock / nginx in this run. "
               "MB/s = 10^6 bytes/s as wrk counts them (headers included, and the partial responses in flight when the "
               "run stops, which matters only for the 5 MB document). Target: the lowest ratio Airlock must reach "
               "for both req/s and MB/s.")
    out.append("")
    out.append("| payload | conns | Airlock req/s | nginx req/s | ratio | Airlock MB/s | nginx MB/s | ratio | "
               "Airlock p50 / p99 | nginx p50 / p99 | target | met |")
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    verdicts = []
    for payload, conns in rows:
        a = by.get((payload, conns, "airlock"))
        n = by.get((payload, conns, "nginx"))
        if not a or not n:
            continue
        sa, sn = stats(a), stats(n)
        target = PAYLOADS[payload][2]
        rr = sa["rps"] / sn["rps"] if sn["rps"] else 0
        mr = sa["mbps"] / sn["mbps"] if sn["mbps"] else 0
        clean = sa["non2xx"] == 0 and sa["sock_total"] == 0
        met = rr >= target and mr >= target and clean
        verdicts.append(met)
        if met:
            note = "yes"
        elif rr >= target and mr >= target:
            note = "**no**: ratios met, but non-2xx: %d, socket errors: %d" % (sa["non2xx"], sa["sock_total"])
        else:
            note = "**no**" + ("" if clean else " (also non-2xx: %d, socket errors: %d)" % (sa["non2xx"], sa["sock_total"]))
        out.append("| %s | %d | %s | %s | %.2f× | %s | %s | %.2f× | %s / %s | %s / %s | ≥ %.1f× | %s |" % (
            label(payload, m), conns, fmt_rate(sa["rps"]), fmt_rate(sn["rps"]), rr, fmt_rate(sa["mbps"]),
            fmt_rate(sn["mbps"]), mr, fmt_us(sa["p50"]), fmt_us(sa["p99"]), fmt_us(sn["p50"]), fmt_us(sn["p99"]),
            target, note))
    rss_mb = facts.get("airlock_rss_max_kb", 0) / 1024
    out.append("")
    out.append("Airlock RSS (VmRSS of the java process, max of samples every 0.2 s from start to the end of the last "
               "wrk run): **%.0f MB** (target ≤ %d MB: %s). nginx proxy_cache RSS (master + workers + cache "
               "processes, summed, max): %.0f MB." % (
                   rss_mb, RSS_TARGET_MB, "met" if rss_mb <= RSS_TARGET_MB else "**not met**",
                   facts.get("nginx_rss_max_kb", 0) / 1024))
    out.append("")
    out.append("#### Details")
    out.append("")
    out.append("Non-2xx = responses with status ≥ 400; socket errors = connect/read/write/timeout as wrk counts them "
               "(a timeout is a request still unanswered after wrk's 2 s timeout; it is left out of the latency "
               "percentiles, so a non-zero count means the real tail is worse than p99.9/max show). "
               "B/resp = bytes read per response, headers included. Server CPU = CPU time of the server's processes "
               "during the wrk run / wall time, in cores; CPU/req = that CPU time / requests; machine busy = all CPUs (wrk included), in cores, out of %s. "
               "RSS = max VmRSS seen during that wrk run (nginx: summed over its processes)." % facts["nproc"])
    out.append("")
    out.append("| payload | conns | server | requests | B/resp | non-2xx | socket errors | p90 | p99.9 | max | "
               "server CPU | CPU/req | machine busy | RSS |")
    out.append("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for payload, conns in rows:
        for server in ("airlock", "nginx"):
            r = by.get((payload, conns, server))
            if not r:
                continue
            s = stats(r)
            out.append("| %s | %d | %s | %d | %.0f | %d | %s | %s | %s | %s | %.2f | %s | %.2f | %.0f MB |" % (
                payload, conns, server, s["requests"], s["bpr"], s["non2xx"], s["sock"], fmt_us(s["p90"]),
                fmt_us(s["p999"]), fmt_us(s["max"]), s["cpu"], fmt_us(s["cpu_per_req"]), s["busy"], s["rss"]))
    out.append("")
    out.append("Airlock stderr after the run: %s." % facts.get("airlock_stderr_summary", "n/a"))
    print("\n".join(out))


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("check")
    c.add_argument("--manifest", required=True)
    c.add_argument("--server", required=True, choices=["airlock", "nginx"])
    c.add_argument("--package", required=True)
    c.add_argument("--kind", required=True, choices=["tarball", "packument", "packument-gzip"])
    c.add_argument("--body", required=True)
    c.add_argument("--headers", required=True)
    c.add_argument("--status", required=True)
    c.add_argument("--mount-url", default="")
    c.add_argument("--second", action="store_true")
    t = sub.add_parser("table")
    t.add_argument("--results", required=True)
    t.add_argument("--manifest", required=True)
    t.add_argument("--facts", required=True)
    args = ap.parse_args()
    check(args) if args.cmd == "check" else table(args)


if __name__ == "__main__":
    main()
