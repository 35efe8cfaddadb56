#!/usr/bin/env python3
"""Writes the small replay data set the end-to-end test ColdReplayInstallTest uses, from the npm
capture (bench/cold/capture.sh): one package and its dependency tree, as the workload's lockfile
pins them.

  python3 bench/cold/make_test_subset.py --capture ~/.cache/airlock-bench/npm \
      --lock bench/cold/npm/package-lock.json --root yargs \
      --out bench/src/test/resources/replay/npm --app bench/src/test/resources/replay/npm-app

Writes OUT (a replay folder: index.tsv, bodies/, replay.properties) and APP (package.json and a
package-lock.json without resolved URLs). Each packument is the recorded one (both the full and
the abbreviated variant, placeholder host as recorded) trimmed to the pinned version: `versions`,
`time` and `dist-tags` keep that version only, and `readme` is dropped. Tarballs are as recorded.
The registry-keys 404 is kept. Standard library only.
"""
import argparse
import hashlib
import json
import os
import shutil
import sys


def load_index(d):
    entries = {}
    for line in open(os.path.join(d, "index.tsv")):
        if line.startswith("#") or not line.strip():
            continue
        f = line.rstrip("\n").split("\t")
        entries[(f[0], f[1])] = f
    return entries


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--capture", required=True)
    ap.add_argument("--lock", required=True)
    ap.add_argument("--root", required=True, help="the package whose tree to keep")
    ap.add_argument("--out", required=True)
    ap.add_argument("--app", required=True)
    a = ap.parse_args()
    lock = json.load(open(a.lock))
    pk = lock["packages"]

    # The tree under ROOT, as the lockfile resolves it (top-level node_modules only, as here).
    tree = {}
    todo = [a.root]
    while todo:
        n = todo.pop()
        if n in tree:
            continue
        e = pk.get("node_modules/" + n)
        if e is None:
            sys.exit("make_test_subset.py: %s is not at the top of node_modules in %s" % (n, a.lock))
        tree[n] = e
        todo += list(e.get("dependencies", {}))
    entries = load_index(a.capture)

    if os.path.exists(a.out):
        shutil.rmtree(a.out)
    os.makedirs(os.path.join(a.out, "bodies"))
    shutil.copy(os.path.join(a.capture, "replay.properties"), os.path.join(a.out, "replay.properties"))
    lines = ["# written by bench/cold/make_test_subset.py from a capture of bench/cold/capture.sh"]

    def body(f):
        return open(os.path.join(a.capture, "bodies", f[5][:2], f[5]), "rb").read()

    def put(f, data):
        h = hashlib.sha256(data).hexdigest()
        d = os.path.join(a.out, "bodies", h[:2])
        os.makedirs(d, exist_ok=True)
        open(os.path.join(d, h), "wb").write(data)
        g = list(f)
        g[5], g[6], g[8] = h, str(len(data)), "trimmed " + f[8].split(" ")[0]
        lines.append("\t".join(g))

    for name, e in sorted(tree.items()):
        v = e["version"]
        for variant in ("-", "corgi"):
            f = entries.get(("/" + name, variant))
            if f is None:
                sys.exit("make_test_subset.py: the capture has no %s document of %s" % (variant, name))
            doc = json.loads(body(f))
            doc["versions"] = {v: doc["versions"][v]}
            if "time" in doc:
                doc["time"] = {k: t for k, t in doc["time"].items() if k in (v, "created", "modified")}
            doc["dist-tags"] = {"latest": v}
            doc.pop("readme", None)
            put(f, json.dumps(doc).encode())
        base = name.split("/")[-1]
        f = entries.get(("/%s/-/%s-%s.tgz" % (name, base, v), "-"))
        if f is None:
            sys.exit("make_test_subset.py: the capture has no tarball of %s@%s" % (name, v))
        put(f, body(f))
    keys = entries.get(("/-/npm/v1/keys", "-"))
    if keys:
        lines.append("\t".join(keys))
    open(os.path.join(a.out, "index.tsv"), "w").write("\n".join(lines) + "\n")

    os.makedirs(a.app, exist_ok=True)
    root_dep = {a.root: tree[a.root]["version"]}
    json.dump({"name": "cold-replay-app", "version": "1.0.0", "private": True, "dependencies": root_dep},
              open(os.path.join(a.app, "package.json"), "w"), indent=2)
    packages = {"": {"name": "cold-replay-app", "version": "1.0.0", "dependencies": root_dep}}
    for name, e in sorted(tree.items()):
        packages["node_modules/" + name] = {k: x for k, x in e.items() if k not in ("dev", "peer", "devOptional")}
    json.dump({"name": "cold-replay-app", "version": "1.0.0", "lockfileVersion": 3, "requires": True, "packages": packages},
              open(os.path.join(a.app, "package-lock.json"), "w"), indent=2)
    size = sum(os.path.getsize(os.path.join(r, x)) for r, _, fs in os.walk(a.out) for x in fs)
    print("%d packages (%s), %d bytes in %s" % (len(tree), " ".join("%s@%s" % (n, e["version"]) for n, e in sorted(tree.items())),
                                                size, a.out), file=sys.stderr)


if __name__ == "__main__":
    main()
