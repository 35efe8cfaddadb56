#!/usr/bin/env python3
"""Writes the loopback fixture upstream for bench/load/run.sh: a static, npm-registry-shaped tree.

    <out>/registry/<name>/index.json          the packument, served at /<name>
    <out>/registry/<name>/index.json.gz       the same, pre-compressed (gzip level 6), for gzip_static
    <out>/registry/<name>/-/<name>-<ver>.tgz  tarballs, served at /<name>/-/<file>
    <out>/manifest.json                       what was written: URLs, sizes, sha512 of every served body

Packages:
    bench-small   one version, a ~1.9 KB tarball (package.json, index.js, README.md)
    bench-mid     one version, a ~96 KB tarball of random bytes (the 64-128 KB range in which
                  proxy_cache hits stall when tcp_nopush is on)
    bench-medium  one version, a ~300 KB tarball of random bytes (gzip cannot shrink it)
    bench-big     a packument of >= 5 MB: many versions with realistic fields and a long readme;
                  only the latest version has a real tarball

Every packument is a real npm packument: name, dist-tags.latest, versions{...} each with name,
version and dist {integrity sha512-<base64>, shasum <sha1 hex>, tarball http://127.0.0.1:<port>/...},
and time {created, modified, <version>: ISO timestamp}. All timestamps lie years in the past, so
no age-based policy holds any version back.

Standard library only. Usage: make_fixture.py --out DIR --origin-port PORT [--big-versions N]
"""

import argparse
import base64
import datetime
import gzip
import hashlib
import io
import json
import os
import random
import tarfile

EPOCH = datetime.datetime(2016, 3, 1, 9, 30, 0, tzinfo=datetime.timezone.utc)
TAR_MTIME = 499162500  # 1985-10-26T08:15:00Z, what npm itself stamps into tarballs

LOREM = (
    "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et "
    "dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip "
    "ex ea commodo consequat. Duis aute irure dolor in reprehenderit in voluptate velit esse cillum dolore eu "
    "fugiat nulla pariatur. Excepteur sint occaecat cupidatat non proident, sunt in culpa qui officia "
    "deserunt mollit anim id est laborum."
)
DEP_NAMES = [
    "lodash", "debug", "ms", "semver", "chalk", "commander", "minimist", "glob", "rimraf", "mkdirp",
    "uuid", "yargs", "async", "bluebird", "moment", "axios", "express", "body-parser", "qs", "tslib",
    "inherits", "once", "wrappy", "graceful-fs", "readable-stream", "safe-buffer", "string_decoder",
    "supports-color", "has-flag", "ansi-styles", "color-convert", "escape-string-regexp", "strip-ansi",
]


def iso(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (dt.microsecond // 1000)


def make_tgz(files):
    """A gzip'd tar of package/<path> entries, deterministic (fixed mtimes, no gzip name or time)."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for path, data in files:
            info = tarfile.TarInfo("package/" + path)
            info.size = len(data)
            info.mtime = TAR_MTIME
            info.mode = 0o644
            tar.addfile(info, io.BytesIO(data))
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=9, mtime=0, filename="") as gz:
        gz.write(raw.getvalue())
    return out.getvalue()


def digests(data):
    return {
        "integrity": "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode(),
        "shasum": hashlib.sha1(data).hexdigest(),
    }


def deps_for(name, version):
    """A release's dependencies, the same in its registry entry and in its tarball's package.json
    (Airlock holds a release whose tarball declares other dependencies than the registry)."""
    r = random.Random("%s@%s" % (name, version))
    return {d: "^%d.%d.%d" % (r.randint(0, 9), r.randint(0, 20), r.randint(0, 9)) for d in r.sample(DEP_NAMES, 8)}


def package_json(name, version, extra=None):
    doc = {
        "name": name,
        "version": version,
        "description": "Airlock load-benchmark fixture package " + name,
        "main": "index.js",
        "license": "MIT",
        "scripts": {"test": "node index.js"},
        "dependencies": deps_for(name, version),
    }
    doc.update(extra or {})
    return json.dumps(doc, indent=2).encode() + b"\n"


def version_doc(name, version, base, tgz_name, dist, rng, i):
    """One entry of versions{...}, shaped like what the public registry returns."""
    deps = deps_for(name, version)
    dev_deps = {d: "~%d.%d.0" % (rng.randint(0, 9), rng.randint(0, 20)) for d in rng.sample(DEP_NAMES, 8)}
    user = {"name": "bench-maintainer", "email": "bench-maintainer@example.invalid"}
    return {
        "name": name,
        "version": version,
        "description": "A fixture package with many versions, release %d. %s" % (i, LOREM[: 80 + (i % 7) * 20]),
        "main": "lib/index.js",
        "types": "lib/index.d.ts",
        "files": ["lib", "README.md", "LICENSE"],
        "scripts": {
            "build": "tsc -p tsconfig.build.json",
            "test": "mocha --reporter dot 'test/**/*.spec.js'",
            "lint": "eslint --ext .js,.ts src test",
            "prepublishOnly": "npm run build && npm test",
        },
        "repository": {"type": "git", "url": "git+https://git.example.invalid/bench/%s.git" % name},
        "keywords": ["benchmark", "fixture", "airlock", "npm", "packument"],
        "author": {"name": "Bench Author", "email": "author@example.invalid", "url": "https://example.invalid/"},
        "license": "MIT",
        "bugs": {"url": "https://git.example.invalid/bench/%s/issues" % name},
        "homepage": "https://git.example.invalid/bench/%s#readme" % name,
        "engines": {"node": ">=%d" % (4 + i % 16)},
        "dependencies": deps,
        "devDependencies": dev_deps,
        "gitHead": hashlib.sha1(("%s@%s" % (name, version)).encode()).hexdigest(),
        "_id": "%s@%s" % (name, version),
        "_nodeVersion": "%d.%d.%d" % (4 + i % 16, i % 12, i % 9),
        "_npmVersion": "%d.%d.%d" % (3 + i % 8, i % 20, i % 5),
        "dist": {
            "integrity": dist["integrity"],
            "shasum": dist["shasum"],
            "tarball": "%s/%s/-/%s" % (base, name, tgz_name),
            "fileCount": 12 + i % 30,
            "unpackedSize": 20000 + (i * 37) % 50000,
            "signatures": [{
                "keyid": "SHA256:jl3bwswu80PjjokCgh0o2w5c2U4LhQAE57gj9cz1kzA",
                "sig": base64.b64encode(hashlib.sha512(("sig" + version).encode()).digest()).decode(),
            }],
        },
        "_npmUser": user,
        "maintainers": [user, {"name": "bench-second", "email": "bench-second@example.invalid"}],
        "directories": {},
        "_hasShrinkwrap": False,
    }


def write_package(root, name, versions, dist_by_version, tarballs, base, readme, rng):
    """versions: list of version strings in publish order; tarballs: {version: bytes} for the real ones."""
    pdir = os.path.join(root, name)
    os.makedirs(os.path.join(pdir, "-"), exist_ok=True)
    vdocs = {}
    times = {}
    for i, v in enumerate(versions):
        tgz_name = "%s-%s.tgz" % (name, v)
        vdocs[v] = version_doc(name, v, base, tgz_name, dist_by_version[v], rng, i)
        times[v] = iso(EPOCH + datetime.timedelta(hours=31 * i, minutes=i % 60))
    latest = versions[-1]
    doc = {
        "_id": name,
        "_rev": "%d-%s" % (len(versions), hashlib.md5(name.encode()).hexdigest()),
        "name": name,
        "description": vdocs[latest]["description"],
        "dist-tags": {"latest": latest},
        "versions": vdocs,
        "time": dict([("created", times[versions[0]]), ("modified", times[latest])] + list(times.items())),
        "maintainers": vdocs[latest]["maintainers"],
        "author": vdocs[latest]["author"],
        "repository": vdocs[latest]["repository"],
        "homepage": vdocs[latest]["homepage"],
        "bugs": vdocs[latest]["bugs"],
        "keywords": vdocs[latest]["keywords"],
        "license": "MIT",
        "readme": readme,
        "readmeFilename": "README.md",
    }
    body = json.dumps(doc, separators=(",", ":")).encode()
    with open(os.path.join(pdir, "index.json"), "wb") as f:
        f.write(body)
    with open(os.path.join(pdir, "index.json.gz"), "wb") as f:
        f.write(gzip.compress(body, compresslevel=6, mtime=0))
    for v, data in tarballs.items():
        with open(os.path.join(pdir, "-", "%s-%s.tgz" % (name, v)), "wb") as f:
            f.write(data)
    return body


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True, help="work dir; the tree goes to OUT/registry")
    ap.add_argument("--origin-port", type=int, required=True, help="port the origin nginx listens on (127.0.0.1)")
    ap.add_argument("--big-versions", type=int, default=2500, help="versions in bench-big (default 2500)")
    args = ap.parse_args()

    base = "http://127.0.0.1:%d" % args.origin_port
    root = os.path.join(args.out, "registry")
    os.makedirs(root, exist_ok=True)
    rng = random.Random(20240611)  # structure and text are reproducible; random payload bytes are not
    manifest = {"origin": base, "packages": {}}

    def single(name, files, readme):
        tgz = make_tgz(files)
        body = write_package(root, name, ["1.0.0"], {"1.0.0": digests(tgz)}, {"1.0.0": tgz}, base, readme, rng)
        return tgz, body

    def record(name, tgz, body, latest, nversions):
        pdir = os.path.join(root, name)
        manifest["packages"][name] = {
            "packument": "/" + name,
            "packument_bytes": len(body),
            "packument_gzip_bytes": os.path.getsize(os.path.join(pdir, "index.json.gz")),
            "packument_sha512": hashlib.sha512(body).hexdigest(),
            "versions": nversions,
            "latest": latest,
            "tarball": "/%s/-/%s-%s.tgz" % (name, name, latest),
            "tarball_bytes": len(tgz),
            "tarball_sha512": hashlib.sha512(tgz).hexdigest(),
        }

    # bench-small: a typical tiny package, ~1.9 KB gzip'd.
    index_js = ("'use strict';\n/** Airlock benchmark fixture. */\nconst TABLE = '%s';\n"
                "module.exports = function lookup(i) { return TABLE.charCodeAt(i %% TABLE.length); };\n"
                % base64.b64encode(os.urandom(1120)).decode()).encode()
    small_files = [
        ("package.json", package_json("bench-small", "1.0.0")),
        ("index.js", index_js),
        ("README.md", ("# bench-small\n\n" + LOREM + "\n").encode()),
    ]
    tgz, body = single("bench-small", small_files, "# bench-small\n\n" + LOREM)
    record("bench-small", tgz, body, "1.0.0", 1)

    # bench-mid (~96 KB) and bench-medium (~300 KB): random bytes, incompressible.
    for name, size in (("bench-mid", 96 * 1024), ("bench-medium", 300 * 1024)):
        files = [
            ("package.json", package_json(name, "1.0.0")),
            ("index.js", b"module.exports = require('fs').readFileSync(__dirname + '/data.bin');\n"),
            ("data.bin", os.urandom(size)),
        ]
        tgz, body = single(name, files, "# %s\n\n%s" % (name, LOREM))
        record(name, tgz, body, "1.0.0", 1)

    # bench-big: many versions, one real tarball (the latest); the others have digests of nothing real.
    n = args.big_versions
    versions = ["%d.%d.%d" % (i // 100, (i // 10) % 10, i % 10) for i in range(n)]
    latest = versions[-1]
    big_tgz = make_tgz([
        ("package.json", package_json("bench-big", latest)),
        ("lib/index.js", b"module.exports = 42;\n"),
    ])
    dists = {v: digests(("bench-big@" + v).encode()) for v in versions[:-1]}
    dists[latest] = digests(big_tgz)
    readme = "# bench-big\n\n" + "\n\n".join(
        "## Section %d\n\n%s\n\n```js\nconst big = require('bench-big');\nbig.section%d();\n```" % (k, LOREM, k)
        for k in range(120))
    body = write_package(root, "bench-big", versions, dists, {latest: big_tgz}, base, readme, rng)
    record("bench-big", big_tgz, body, latest, n)

    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
    for name, p in manifest["packages"].items():
        print("fixture: %-13s packument %9d B (gzip %8d B), %4d versions; tarball %7d B"
              % (name, p["packument_bytes"], p["packument_gzip_bytes"], p["versions"], p["tarball_bytes"]))


if __name__ == "__main__":
    main()
