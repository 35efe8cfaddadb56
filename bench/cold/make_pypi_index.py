#!/usr/bin/env python3
"""Writes the pip workload's replay data from the machine's local wheel index.

PyPI is not reachable here; the machine has static PEP 503 indexes of wheels on disk (its pip
config names them: `pip config list`). This resolves the pip workload's tree against them and
writes two replay folders (the format of bench/src/main/java/dev/airlock/bench/replay/ReplayStore):

  OUT/pip-html/   a static PEP 503 index, as the local one: /simple/<project>/ (text/html, links
                  ../../files/<file>#sha256=...), /files/<file>
  OUT/pip-json/   a PEP 691 index as PyPI serves it: the same pages as
                  application/vnd.pypi.simple.v1+json (variant pypi-json: chosen by Accept) with
                  hashes, size, upload-time and core-metadata, the HTML form with
                  data-core-metadata, and /files/<file>.metadata (each wheel's METADATA)

upload-time is synthesised (the index has none): 2025-01-01T00:00:00Z for every file, old enough
for any minimum-age policy. Standard library only.
"""
import argparse
import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
import zipfile

UPLOAD_TIME = "2025-01-01T00:00:00.000000Z"


def normalize(name):
    return re.sub(r"[-_.]+", "-", name).lower()


class Store:
    def __init__(self, path):
        self.path = path
        os.makedirs(os.path.join(path, "bodies"), exist_ok=True)
        self.lines = []

    def body(self, data=None, src=None):
        if src is not None:
            with open(src, "rb") as f:
                data = f.read()
        h = hashlib.sha256(data).hexdigest()
        d = os.path.join(self.path, "bodies", h[:2])
        os.makedirs(d, exist_ok=True)
        f = os.path.join(d, h)
        if not os.path.exists(f):
            with open(f + ".tmp", "wb") as o:
                o.write(data)
            os.replace(f + ".tmp", f)
        return h, len(data)

    def put(self, key, variant, status, ctype, data=None, src=None, note="generated"):
        h, n = self.body(data, src) if (data or src) else ("-", 0)
        self.lines.append("\t".join([key, variant or "-", str(status), ctype or "-", "0", h, str(n), "-", note]))

    def close(self):
        with open(os.path.join(self.path, "index.tsv"), "w") as f:
            f.write("# written by bench/cold/make_pypi_index.py\n")
            for l in self.lines:
                f.write(l + "\n")


def local_indexes():
    """The file:// simple indexes the machine's pip config names."""
    out = subprocess.run([sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True).stdout
    urls = []
    for line in out.splitlines():
        m = re.match(r"^[\w:.]*(?:extra-)?index-url='(.*)'$", line.strip())
        if m:
            urls += [u for u in m.group(1).split() if u.startswith("file://")]
    return urls


def page_links(index_url, project):
    """(filename, path on disk, sha256) of every file a local PEP 503 page lists."""
    base = index_url.rstrip("/") + "/" + project + "/"
    path = urllib.parse.urlparse(base).path
    page = os.path.join(path, "index.html")
    if not os.path.exists(page):
        return []
    out = []
    for href in re.findall(r'href="([^"]+)"', open(page).read()):
        url, _, frag = href.partition("#")
        fpath = os.path.normpath(os.path.join(path, urllib.parse.unquote(url)))
        fname = os.path.basename(fpath)
        sha = frag[len("sha256="):] if frag.startswith("sha256=") else None
        if os.path.exists(fpath):
            out.append((fname, fpath, sha))
    return out


def resolve(indexes, projects):
    """The projects pip installs for PROJECTS from the local indexes (pip's own resolver, dry run)."""
    with tempfile.TemporaryDirectory() as t:
        report = os.path.join(t, "report.json")
        cmd = [sys.executable, "-m", "pip", "install", "--isolated", "--dry-run", "--ignore-installed", "--quiet",
               "--report", report, "--index-url", indexes[0]]
        for u in indexes[1:]:
            cmd += ["--extra-index-url", u]
        subprocess.run(cmd + projects, check=True)
        return sorted(normalize(i["metadata"]["name"]) for i in json.load(open(report))["install"])


def wheel_metadata(path):
    with zipfile.ZipFile(path) as z:
        names = [n for n in z.namelist() if re.match(r"^[^/]+\.dist-info/METADATA$", n)]
        return z.read(names[0]) if len(names) == 1 else None


def requires_python(meta):
    if meta is None:
        return None
    for line in meta.decode("utf-8", "replace").splitlines():
        if not line.strip():
            break
        if line.lower().startswith("requires-python:"):
            return line.split(":", 1)[1].strip()
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True, help="the capture folder; writes OUT/pip-html and OUT/pip-json")
    ap.add_argument("projects", nargs="+")
    a = ap.parse_args()
    indexes = local_indexes()
    if not indexes:
        sys.exit("make_pypi_index.py: the machine's pip config names no file:// index (pip config list)")
    names = resolve(indexes, a.projects)
    print("pip workload: %d projects: %s" % (len(names), " ".join(names)), file=sys.stderr)
    for variant in ("pip-html", "pip-json"):
        d = os.path.join(a.out, variant)
        if os.path.exists(d):
            shutil.rmtree(d)
    html_store = Store(os.path.join(a.out, "pip-html"))
    json_store = Store(os.path.join(a.out, "pip-json"))
    nfiles = 0
    for name in names:
        files = {}
        for idx in indexes:
            for fname, fpath, sha in page_links(idx, name):
                files.setdefault(fname, (fpath, sha))
        if not files:
            sys.exit("make_pypi_index.py: no files for %s" % name)
        plain, rich, entries, versions = [], [], [], set()
        for fname in sorted(files):
            fpath, sha = files[fname]
            data_sha = hashlib.sha256(open(fpath, "rb").read()).hexdigest()
            if sha and sha != data_sha:
                sys.exit("make_pypi_index.py: %s: the index says sha256 %s, the file is %s" % (fname, sha, data_sha))
            size = os.path.getsize(fpath)
            meta = wheel_metadata(fpath) if fname.endswith(".whl") else None
            rp = requires_python(meta)
            href = "../../files/%s#sha256=%s" % (urllib.parse.quote(fname), data_sha)
            plain.append('<a href="%s">%s</a><br/>' % (html.escape(href), html.escape(fname)))
            attrs = ' data-requires-python="%s"' % html.escape(rp) if rp else ""
            e = {"filename": fname, "url": "../../files/" + urllib.parse.quote(fname), "hashes": {"sha256": data_sha},
                 "size": size, "upload-time": UPLOAD_TIME, "yanked": False}
            if rp:
                e["requires-python"] = rp
            if meta is not None:
                msha = hashlib.sha256(meta).hexdigest()
                attrs += ' data-dist-info-metadata="sha256=%s" data-core-metadata="sha256=%s"' % (msha, msha)
                e["core-metadata"] = {"sha256": msha}
                e["data-dist-info-metadata"] = {"sha256": msha}
                json_store.put("/files/" + fname + ".metadata", "", 200, "application/octet-stream", data=meta)
            rich.append('<a href="%s"%s>%s</a><br/>' % (html.escape(href), attrs, html.escape(fname)))
            entries.append(e)
            m = re.match(r"^[^-]+-([^-]+)-", fname)
            if m:
                versions.add(m.group(1))
            for s in (html_store, json_store):
                s.put("/files/" + fname, "", 200, "application/octet-stream", src=fpath)
            nfiles += 1
        key = "/simple/%s/" % name
        head = "<!DOCTYPE html>\n<html><head><meta name=\"pypi:repository-version\" content=\"1.1\"><title>Links for %s</title></head><body><h1>Links for %s</h1>\n" % (name, name)
        html_store.put(key, "", 200, "text/html", data=(head + "\n".join(plain) + "\n</body></html>\n").encode())
        json_store.put(key, "", 200, "application/vnd.pypi.simple.v1+html",
                       data=(head + "\n".join(rich) + "\n</body></html>\n").encode())
        doc = {"meta": {"api-version": "1.1"}, "name": name, "versions": sorted(versions), "files": entries}
        json_store.put(key, "pypi-json", 200, "application/vnd.pypi.simple.v1+json", data=json.dumps(doc).encode())
    html_store.close()
    json_store.close()
    print("pip workload: %d files; wrote %s/pip-html and %s/pip-json" % (nfiles, a.out, a.out), file=sys.stderr)


if __name__ == "__main__":
    main()
