#!/usr/bin/env bash
# Captures the cold-path benchmark's upstream data once, into a folder outside git:
#
#   bash bench/cold/capture.sh [npm] [maven] [pip]        (default: all three)
#
# npm and maven: the replay upstream runs in record mode in front of the registry this machine's
# own clients use (npm: `npm config get registry`; Maven: the mirror in ~/.m2/settings.xml or the
# installation's conf/settings.xml, else Maven's built-in central, read from Maven's own super
# POM), and the workload runs through it twice: the client straight at it, then the client through
# a cold Airlock (embedded defaults, enforce) whose upstream is the recorder. Everything either
# asked for is stored; text bodies name a placeholder host (npm-registry.invalid, central.invalid)
# instead of the real one. Running it again tops the folder up (it only fetches what is missing).
#
# pip: PyPI is not reachable here; bench/cold/make_pypi_index.py writes a static PEP 503 index
# (pip-html) and a PEP 691 JSON index (pip-json) from the machine's local wheel index, then both
# clients run against them once, to show what is missing.
#
# Knobs: AIRLOCK_BENCH_DATA (default ~/.cache/airlock-bench), NPM_UPSTREAM, MAVEN_UPSTREAM
# (override the discovered upstreams), PIP_PROJECTS (default "flask requests rich pydantic").
set -euo pipefail
umask 022

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
DATA=${AIRLOCK_BENCH_DATA:-$HOME/.cache/airlock-bench}
WORK=$DATA/capture-work

log() { printf '%s\n' "$*" >&2; }
die() { log "capture.sh: $*"; exit 1; }
# shellcheck source=lib.sh
source "$HERE/lib.sh"

cleanup() { set +e; stop_airlock; stop_replay; }
trap cleanup EXIT
trap 'exit 130' INT TERM

WORKLOADS=${*:-npm maven pip}
for t in java npm mvn python3 curl; do command -v "$t" >/dev/null || die "missing: $t"; done
mkdir -p "$DATA" "$DATA/logs"
rm -rf "$WORK"
mkdir -p "$WORK"
copy_jars

maven_upstream() {
    python3 - <<'PY'
import glob, os, re, sys, zipfile
import xml.etree.ElementTree as ET

def mirror(path):
    """The URL of an active mirror of central (or *) in a settings.xml, if any."""
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError):
        return None
    ns = {"s": root.tag[1:].split("}")[0]} if root.tag.startswith("{") else None
    q = lambda e, p: e.find(p, ns) if ns else e.find(p.replace("s:", ""))
    mirrors = root.find("s:mirrors", ns) if ns else root.find("mirrors")
    for m in ([] if mirrors is None else list(mirrors)):
        of = (q(m, "s:mirrorOf").text or "").strip() if q(m, "s:mirrorOf") is not None else ""
        blocked = q(m, "s:blocked")
        if blocked is not None and (blocked.text or "").strip() == "true":
            continue
        if any(p.strip() in ("*", "central", "external:*") for p in of.split(",")):
            return q(m, "s:url").text.strip()
    return None

home = os.path.expanduser("~/.m2/settings.xml")
mhome = os.environ.get("MAVEN_HOME") or "/usr/share/maven"
for f in (home, os.path.join(mhome, "conf", "settings.xml")):
    u = mirror(f)
    if u:
        print(u); sys.exit(0)
# Maven's built-in central, as its super POM declares it.
for j in glob.glob(os.path.join(mhome, "lib", "maven-model-builder-*.jar")):
    pom = zipfile.ZipFile(j).read("org/apache/maven/model/pom-4.0.0.xml").decode()
    m = re.search(r"<repository>\s*<id>central</id>.*?<url>([^<]+)</url>", pom, re.S)
    if m:
        print(m.group(1).strip()); sys.exit(0)
sys.exit("no Maven upstream found: set MAVEN_UPSTREAM")
PY
}

capture_registry() { # workload eco upstream placeholder client-fn mount
    local w=$1 eco=$2 up=$3 ph=$4 client=$5 mount=$6 stats
    log "== $w: recording from the machine's $eco upstream into $DATA/$w (placeholder $ph)"
    start_replay "$DATA/$w" "$DATA/logs/capture-$w-$(date -u +%Y%m%dT%H%M%SZ).tsv" 0 0 --record "$up" --placeholder "$ph"
    local base=http://127.0.0.1:$REPLAY_PORT/
    replay_ctl "mark?label=direct" >/dev/null
    log "   direct: the client straight at the recorder"
    "$client" "$base" "$WORK/$w-direct.log" "$WORK/$w-direct" || die "$w direct run failed: $(tail -20 "$WORK/$w-direct.log")"
    stats=$(replay_ctl "mark?label=airlock")
    log "   direct: $(echo "$stats" | head -1)"
    log "   airlock: the client through a cold Airlock (enforce) whose upstream is the recorder"
    start_airlock "$eco" "$base" "$WORK/$w-airlock-data" "$WORK/$w-airlock.out"
    "$client" "http://127.0.0.1:$AIRLOCK_PORT/$mount" "$WORK/$w-airlock.log" "$WORK/$w-airlock" ||
        log "   WARNING: the $w run through Airlock failed (see $WORK/$w-airlock.log): $(grep -m3 -i 'error\|403' "$WORK/$w-airlock.log" || true)"
    sleep 3   # work Airlock finishes after answering (signatures, background fetches) is recorded too
    stop_airlock
    stats=$(replay_ctl "mark?label=end")
    log "   airlock: $(echo "$stats" | head -1)"
    stop_replay
    log "   $w: $(grep -vc '^#' "$DATA/$w/index.tsv") responses recorded in all, $(du -sh "$DATA/$w" | cut -f1)"
}

for w in $WORKLOADS; do
    case $w in
        npm)
            up=${NPM_UPSTREAM:-$(npm config get registry)}
            capture_registry npm npm "$up" npm-registry.invalid npm_run npm/
            ;;
        maven)
            up=${MAVEN_UPSTREAM:-$(maven_upstream)}
            capture_registry maven maven "$up" central.invalid mvn_run maven/
            ;;
        pip)
            log "== pip: generating the indexes from the machine's local wheel index"
            # shellcheck disable=SC2086
            python3 "$HERE/make_pypi_index.py" --out "$DATA" $PIP_PROJECTS 2> >(grep -v "^WARNING: Location\|notice\|^$" >&2)
            for v in pip-html pip-json; do
                start_replay "$DATA/$v" "$DATA/logs/capture-$v.tsv" 0 0
                replay_ctl "mark?label=direct" >/dev/null
                pip_run "http://127.0.0.1:$REPLAY_PORT/simple/" "$WORK/$v-direct.log" "$WORK/$v-direct" ||
                    die "$v direct pip failed: $(tail -20 "$WORK/$v-direct.log")"
                log "   $v direct: $(replay_ctl "mark?label=airlock" | head -3 | paste -sd' ')"
                start_airlock pypi "http://127.0.0.1:$REPLAY_PORT/simple/" "$WORK/$v-airlock-data" "$WORK/$v-airlock.out"
                pip_run "http://127.0.0.1:$AIRLOCK_PORT/pypi/simple/" "$WORK/$v-airlock.log" "$WORK/$v-airlock" ||
                    log "   WARNING: $v pip through Airlock failed: $(tail -5 "$WORK/$v-airlock.log")"
                sleep 3
                stop_airlock
                log "   $v airlock: $(replay_ctl "mark?label=end" | paste -sd' ')"
                stop_replay
            done
            ;;
        *) die "unknown workload '$w' (npm maven pip)" ;;
    esac
done
log "== done: $DATA (logs of the capture runs: $DATA/logs, $WORK)"
