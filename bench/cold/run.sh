#!/usr/bin/env bash
# Cold-path benchmark: the real npm, mvn and pip, straight at a replay upstream (direct) and through
# Airlock whose upstream is that replay (cold: fresh data dir; warm: the same Airlock again), at
# each round trip, in one run. Prints and writes a Markdown report with the medians and the
# ratios cold/direct and warm/direct. Everything listens on 127.0.0.1.
#
#   bash bench/cold/capture.sh          # once: records the upstream data (outside git)
#   bash bench/cold/run.sh
#
# Knobs (environment):
#   AIRLOCK_BENCH_DATA=~/.cache/airlock-bench   the capture folder (capture.sh writes it)
#   WORKLOADS="npm maven pip-html pip-json"     pip-html: static PEP 503 index; pip-json: PEP 691
#   RTTS="30ms 0ms"                             round trips the replay waits before each response
#   REPEAT=3                                    measurements of each (workload, rtt, mode); the median is reported
#   BANDWIDTH=0                                 replay's per-connection cap in bytes/s (0: none; 10m = 10 MB/s)
#   CONNECT_RTTS=0                              extra round trips on a connection's first request (TCP/TLS set-up)
#   OUT=bench/out                               work dir (OUT/cold-work) and cold-<timestamp>.md
#   AIRLOCK_JAR=deploy/target/airlock.jar, REPLAY_JAR=bench/target/benchmarks.jar (private copies are run)
#   AIRLOCK_JAVA_OPTS=                          JVM flags for Airlock
#   PIP_PROJECTS="flask requests rich pydantic" (must match what capture.sh generated)
#
# Each measurement uses a fresh client cache (npm --cache, -Dmaven.repo.local, pip --no-cache-dir)
# and a fresh copy of the project; each cold run a fresh Airlock data dir and a new Airlock
# process; the warm run follows it on the same Airlock process and data dir. Timed: the client
# command alone (Airlock and the replay are up and healthy before it starts).
set -euo pipefail
umask 022

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
DATA=${AIRLOCK_BENCH_DATA:-$HOME/.cache/airlock-bench}
WORKLOADS=${WORKLOADS:-npm maven pip-html pip-json}
RTTS=${RTTS:-30ms 0ms}
REPEAT=${REPEAT:-3}
BANDWIDTH=${BANDWIDTH:-0}
CONNECT_RTTS=${CONNECT_RTTS:-0}
OUT=${OUT:-$ROOT/bench/out}
WORK=$OUT/cold-work

log() { printf '%s\n' "$*" >&2; }
die() { log "run.sh: $*"; exit 1; }
# shellcheck source=lib.sh
source "$HERE/lib.sh"

for t in java npm mvn python3 curl; do command -v "$t" >/dev/null || die "missing: $t"; done
for w in $WORKLOADS; do
    case $w in npm | maven | pip-html | pip-json) ;; *) die "unknown workload '$w' (npm maven pip-html pip-json)" ;; esac
    [[ -s $DATA/$w/index.tsv ]] || die "no capture for $w in $DATA/$w: run bash bench/cold/capture.sh first"
done
if [[ -e $WORK ]]; then
    [[ -f $WORK/.airlock-cold-bench ]] || die "$WORK exists and was not made by this script; move it away or set OUT"
    rm -rf "$WORK"
fi
mkdir -p "$WORK"
touch "$WORK/.airlock-cold-bench"
copy_jars

cleanup() { set +e; stop_airlock; stop_replay; }
trap cleanup EXIT
trap 'exit 130' INT TERM

RESULTS=$WORK/results.jsonl
: >"$RESULTS"

client_of() { case $1 in npm) echo npm_run ;; maven) echo mvn_run ;; pip-*) echo pip_run ;; esac; }
eco_of() { case $1 in npm) echo npm ;; maven) echo maven ;; pip-*) echo pypi ;; esac; }
direct_url() { case $1 in npm | maven) echo "http://127.0.0.1:$REPLAY_PORT/" ;; pip-*) echo "http://127.0.0.1:$REPLAY_PORT/simple/" ;; esac; }
airlock_url() { case $1 in npm) echo "http://127.0.0.1:$AIRLOCK_PORT/npm/" ;; maven) echo "http://127.0.0.1:$AIRLOCK_PORT/maven/" ;;
                           pip-*) echo "http://127.0.0.1:$AIRLOCK_PORT/pypi/simple/" ;; esac; }
# What the client reports it installed: npm "added N packages", Maven "Downloaded from" lines, pip "Successfully installed".
installed() {
    case $1 in
        npm) sed -n 's/^added \([0-9]*\) packages.*/\1/p' "$2" | tail -1 ;;
        maven) grep -c '^\[INFO\] Downloaded from' "$2" || true ;;
        pip-*) sed -n 's/^Successfully installed //p' "$2" | wc -w ;;
    esac
}

# CPU time (clock ticks) a process has used so far; 0 for none (direct runs).
proc_cpu() {
    local f
    [[ -n ${1:-} && -r /proc/$1/stat ]] || { echo 0; return; }
    read -r -a f <"/proc/$1/stat"
    echo $((f[13] + f[14]))
}

# CPU seconds so far of each group of a process's threads (JIT compilers, GC, Airlock's pools), most first.
thread_cpu() {
    local t f name
    for t in /proc/$1/task/*; do
        read -r name <"$t/comm" 2>/dev/null || continue
        # comm may hold spaces: the fields after it are counted from the end of "(...)".
        f=($(sed 's/^.*) //' "$t/stat"))
        printf '%d %s\n' $((f[11] + f[12])) "$(echo "$name" | sed 's/[0-9#-]*$//')"
    done | awk -v t="$(getconf CLK_TCK)" '{ n = $1; $1 = ""; c[substr($0, 2)] += n } END { for (k in c) if (c[k] > 0) printf "%8.2f s  %s\n", c[k] / t, k }' | sort -rn
}

# measure WORKLOAD RTT REP MODE URL
measure() {
    local w=$1 rtt=$2 rep=$3 mode=$4 url=$5 label="$1|$2|$3|$4" t0 t1 rc=0 stats after
    local out=$WORK/logs/$w-$rtt-$rep-$mode.log
    mkdir -p "$WORK/logs"
    local load0 cpu0 cpu1
    load0=$(cut -d' ' -f1 /proc/loadavg)
    cpu0=$(proc_cpu "$AIRLOCK_PID")
    replay_ctl "mark?label=$w/$rtt/$rep/$mode" >/dev/null
    t0=$EPOCHREALTIME
    "$(client_of "$w")" "$url" "$out" "$WORK/scratch" || rc=$?
    t1=$EPOCHREALTIME
    cpu1=$(proc_cpu "$AIRLOCK_PID")
    [[ -n $AIRLOCK_PID ]] && thread_cpu "$AIRLOCK_PID" >"$WORK/logs/$w-$rtt-$rep-$mode-threads.txt"
    stats=$(replay_ctl "mark?label=$w/$rtt/$rep/$mode-after")
    rm -rf "$WORK/scratch"
    local secs n req misses
    secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
    n=$(installed "$w" "$out")
    req=$(echo "$stats" | sed -n 's/^requests //p')
    misses=$(echo "$stats" | sed -n 's/^misses //p')
    printf '{"workload":"%s","rtt":"%s","rep":%d,"mode":"%s","seconds":%s,"exit":%d,"installed":%s,"upstream_requests":%d,"misses":%d,"load1_before":%s,"airlock_cpu_s":%s}\n' \
        "$w" "$rtt" "$rep" "$mode" "$secs" "$rc" "${n:-0}" "${req:-0}" "${misses:-0}" "$load0" \
        "$(awk -v a="$cpu0" -v b="$cpu1" -v t="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", (b - a) / t }')" >>"$RESULTS"
    log "   $(printf '%-8s %-5s #%d %-6s %7.2f s  exit %d  installed %-4s upstream requests %-5s misses %s  load %s' "$w" "$rtt" "$rep" "$mode" "$secs" "$rc" "${n:-?}" "${req:-?}" "${misses:-?}" "$load0")"
    if [[ ${misses:-0} != 0 ]]; then
        log "   WARNING: $misses requests for paths the capture does not have (incomplete capture; run capture.sh again):"
        echo "$stats" | grep '^miss ' | head -5 | sed 's/^/     /' >&2
    fi
    [[ $rc == 0 ]] || log "   WARNING: the client failed (exit $rc): $(grep -m3 -i 'err\|403\|fail' "$out" | cut -c1-200 | paste -sd'|' -)"
}

log "== cold-path benchmark: workloads [$WORKLOADS], round trips [$RTTS], $REPEAT repeats, bandwidth ${BANDWIDTH} B/s/connection"
for w in $WORKLOADS; do
    log "== $w: starting the replay on $DATA/$w"
    start_replay "$DATA/$w" "$WORK/replay-$w.tsv" 0 "$BANDWIDTH" --connect-rtts "$CONNECT_RTTS"
    for rtt in $RTTS; do
        replay_ctl "set?rtt=$rtt&bandwidth=$BANDWIDTH" >/dev/null
        for ((rep = 1; rep <= REPEAT; rep++)); do
            measure "$w" "$rtt" "$rep" direct "$(direct_url "$w")"
            start_airlock "$(eco_of "$w")" "$(direct_url "$w")" "$WORK/airlock-data-$w-$rtt-$rep" "$WORK/logs/$w-$rtt-$rep-airlock-access.log"
            measure "$w" "$rtt" "$rep" cold "$(airlock_url "$w")"
            measure "$w" "$rtt" "$rep" warm "$(airlock_url "$w")"
            stop_airlock
            rm -rf "$WORK/airlock-data-$w-$rtt-$rep"
        done
    done
    stop_replay
done

TS=$(date -u +%Y%m%dT%H%M%SZ)
REPORT=$OUT/cold-$TS.md
GIT_INFO=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
[[ -n $(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null) ]] && GIT_INFO="$GIT_INFO + uncommitted changes"
export GIT_INFO BANDWIDTH CONNECT_RTTS REPEAT
export NPROC=$(nproc) MEM=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) \
    CPU_MODEL=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo) KERNEL=$(uname -r) \
    JAVA_V=$(java -version 2>&1 | head -1) NODE_V=$(node -v) NPM_V=$(npm -v) MVN_V=$(mvn -v 2>/dev/null | head -1 | sed 's/\x1b\[[0-9;]*m//g') \
    PIP_V=$(python3 -m pip --version | cut -d' ' -f1-2) PY_V=$(python3 --version)
python3 "$HERE/report.py" --results "$RESULTS" --work "$WORK" >"$REPORT"
cat "$REPORT"
log ""
log "== written: $REPORT (client logs, Airlock access logs and replay logs: $WORK; summarise a replay log with"
log "   python3 bench/cold/replay_log.py $WORK/replay-npm.tsv --segment /cold)"
