#!/usr/bin/env bash
# Warm-cache load benchmark: Airlock vs nginx proxy_cache, in the same run, both in front of the
# same loopback fixture upstream (a static nginx), driven by wrk. Everything listens on 127.0.0.1.
#
#   bash bench/load/run.sh
#
# Knobs (environment):
#   DURATION=10s            wrk -d for each measured run
#   WARMUP=10s              wrk run per URL and server before measuring (JIT, page cache); 0 skips it.
#                           Airlock needs it: with 3s its 1.9 KB tarball rate was half of what it is warm.
#   CONNECTIONS="16 64"     wrk -c values
#   THREADS=2               wrk -t
#   PAYLOADS="small mid medium big big-gzip"
#                           small = 1.9 KB tarball, mid = 96 KB tarball, medium = 300 KB tarball,
#                           big = >= 5 MB packument (identity), big-gzip = same with Accept-Encoding: gzip
#   BIG_VERSIONS=2500       versions in the big packument (2500 gives about 5.5 MB)
#   OUT=bench/out           work dir (bench/out/work) and results-<timestamp>.md go here
#   AIRLOCK_JAR=deploy/target/airlock.jar   built with `mvn -q -DskipTests package` when missing
#   JAVA_OPTS=              extra JVM flags for Airlock (default: none, i.e. the JVM's default heap)
#   ACCESS_LOG=on           on: both servers log every request (nginx to /dev/null,
#                           Airlock to AIRLOCK_STDOUT), as they run by default; off: neither does
#   AIRLOCK_STDOUT=/dev/null where Airlock's access log (one line per request, stdout) goes
#   NGINX_WORKERS=auto      worker_processes of the nginx proxy_cache under test (the origin uses 1)
#   ORIGIN_PORT, NGINX_PORT, AIRLOCK_PORT   default: free ports picked at start
#
# It installs nothing. Needs: nginx, wrk, java (17+), python3, curl.
set -euo pipefail
umask 022

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)

DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-10s}
CONNECTIONS=${CONNECTIONS:-16 64}
THREADS=${THREADS:-2}
PAYLOADS=${PAYLOADS:-small mid medium big big-gzip}
BIG_VERSIONS=${BIG_VERSIONS:-2500}
OUT=${OUT:-$ROOT/bench/out}
AIRLOCK_JAR=${AIRLOCK_JAR:-$ROOT/deploy/target/airlock.jar}
JAVA_OPTS=${JAVA_OPTS:-}
AIRLOCK_STDOUT=${AIRLOCK_STDOUT:-/dev/null}
ACCESS_LOG=${ACCESS_LOG:-on}
case "$ACCESS_LOG" in on) NGINX_ACCESS_LOG="access_log /dev/null"; AIRLOCK_ACCESS_LOG=true ;;
                      off) NGINX_ACCESS_LOG="access_log off"; AIRLOCK_ACCESS_LOG=false ;;
                      *) echo "ACCESS_LOG must be on or off" >&2; exit 2 ;; esac
NGINX_WORKERS=${NGINX_WORKERS:-auto}

log() { printf '%s\n' "$*" >&2; }
die() { log "run.sh: $*"; exit 1; }

# --- tools -------------------------------------------------------------------------------------
NGINX=$(command -v nginx || true)
[[ -z $NGINX && -x /usr/sbin/nginx ]] && NGINX=/usr/sbin/nginx   # /usr/sbin is not on every PATH
missing=()
[[ -n $NGINX ]] || missing+=(nginx)
for t in wrk java python3 curl; do command -v "$t" >/dev/null 2>&1 || missing+=("$t"); done
if ((${#missing[@]})); then
    log "run.sh: missing: ${missing[*]}"
    log "  install them, e.g. on Debian/Ubuntu: sudo apt-get install nginx wrk"
    log "  (and, if needed: openjdk-17-jre-headless python3 curl). This script installs nothing itself."
    exit 1
fi

if [[ ! -f $AIRLOCK_JAR ]]; then
    log "== $AIRLOCK_JAR is missing: building it (mvn -q -DskipTests package)"
    command -v mvn >/dev/null 2>&1 || die "mvn is needed to build $AIRLOCK_JAR"
    (cd "$ROOT" && mvn -q -DskipTests package)
    [[ -f $AIRLOCK_JAR ]] || die "the build did not produce $AIRLOCK_JAR"
fi

# --- work dir and ports ------------------------------------------------------------------------
WORK=$OUT/work
if [[ -e $WORK ]]; then
    # Only ever delete a work dir this script made (it leaves a marker file in it).
    [[ -f $WORK/.airlock-load-bench ]] || die "$WORK exists and was not made by this script; move it away or set OUT"
    rm -rf "$WORK"
fi
mkdir -p "$WORK"/{origin,nginx,wrk,warm} "$WORK/airlock-data"
touch "$WORK/.airlock-load-bench"
read -r p1 p2 p3 < <(python3 -c '
import socket
ss = [socket.socket() for _ in range(3)]
for s in ss: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in ss])')
ORIGIN_PORT=${ORIGIN_PORT:-$p1}
NGINX_PORT=${NGINX_PORT:-$p2}
AIRLOCK_PORT=${AIRLOCK_PORT:-$p3}
ORIGIN=http://127.0.0.1:$ORIGIN_PORT
NGINX_URL=http://127.0.0.1:$NGINX_PORT/npm
AIRLOCK_URL=http://127.0.0.1:$AIRLOCK_PORT/npm

ORIGIN_PID='' NGINX_PID='' AIRLOCK_PID='' SAMPLER_PID=''
stop_pid() { # pid signal seconds
    local pid=$1 i
    [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
    kill -"$2" "$pid" 2>/dev/null || true
    for ((i = 0; i < $3 * 10; i++)); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
}
cleanup() {
    set +e
    local i
    stop_pid "$SAMPLER_PID" TERM 2
    if [[ -n $AIRLOCK_PID ]] && kill -0 "$AIRLOCK_PID" 2>/dev/null; then
        kill -TERM "$AIRLOCK_PID" 2>/dev/null
        for ((i = 0; i < 150; i++)); do kill -0 "$AIRLOCK_PID" 2>/dev/null || break; sleep 0.1; done
        if kill -0 "$AIRLOCK_PID" 2>/dev/null; then
            log "run.sh: Airlock did not exit within 15 s of SIGTERM; killing it (thread dump: $WORK/airlock-shutdown-threads.txt)"
            command -v jstack >/dev/null && jstack "$AIRLOCK_PID" >"$WORK/airlock-shutdown-threads.txt" 2>&1
            kill -KILL "$AIRLOCK_PID" 2>/dev/null
        fi
    fi
    stop_pid "$NGINX_PID" TERM 10
    stop_pid "$ORIGIN_PID" TERM 10
    wait 2>/dev/null
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- fixture -----------------------------------------------------------------------------------
log "== fixture (origin $ORIGIN)"
python3 "$HERE/make_fixture.py" --out "$WORK" --origin-port "$ORIGIN_PORT" --big-versions "$BIG_VERSIONS" >&2
MANIFEST=$WORK/manifest.json

# --- nginx: origin and proxy_cache -------------------------------------------------------------
# Both run as their own master (daemon off, in the background of this script). When the script
# runs as root, the workers run as nginx's default user; every file here is world-readable.
common_http() { # dir
    cat <<EOF
    $NGINX_ACCESS_LOG;
    sendfile on;
    tcp_nopush off;
    tcp_nodelay on;
    keepalive_requests 1000000;
    client_body_temp_path $1/tmp/client;
    proxy_temp_path $1/tmp/proxy;
    fastcgi_temp_path $1/tmp/fastcgi;
    uwsgi_temp_path $1/tmp/uwsgi;
    scgi_temp_path $1/tmp/scgi;
EOF
}
mkdir -p "$WORK/origin/tmp" "$WORK/nginx/tmp"

cat > "$WORK/origin/nginx.conf" <<EOF
# The fixture upstream: static files. /<name> -> <name>/index.json (application/json),
# /<name>/-/<file>.tgz -> the file. gzip_static serves index.json.gz to clients asking for gzip.
worker_processes 1;
daemon off;
pid $WORK/origin/nginx.pid;
error_log $WORK/origin/error.log warn;
events { worker_connections 4096; }
http {
$(common_http "$WORK/origin")
    types { application/json json; application/octet-stream tgz; }
    default_type application/json;
    gzip_static on;
    gzip_vary on;
    server {
        listen 127.0.0.1:$ORIGIN_PORT;
        root $WORK/registry;
        location / {
            try_files \$uri/index.json \$uri =404;
        }
    }
}
EOF

cat > "$WORK/nginx/nginx.conf" <<EOF
# nginx proxy_cache under test: /npm/<path> -> origin /<path>, 200s cached for 1h.
worker_processes $NGINX_WORKERS;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 4096; }
http {
$(common_http "$WORK/nginx")
    proxy_cache_path $WORK/nginx/cache levels=1:2 keys_zone=npm:16m max_size=2g inactive=1d use_temp_path=off;
    upstream origin {
        server 127.0.0.1:$ORIGIN_PORT;
        keepalive 16;
    }
    server {
        listen 127.0.0.1:$NGINX_PORT;
        location = /-/ready { return 200; }
        location /npm/ {
            proxy_pass http://origin/;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_cache npm;
            # Accept-Encoding is part of the key: identity and gzip requests get their own cached copy
            # (the gzip one pre-compressed by the origin), as Airlock keeps both forms of a document.
            proxy_cache_key \$scheme\$proxy_host\$request_uri|\$http_accept_encoding;
            proxy_cache_valid 200 1h;
            proxy_cache_lock on;
            add_header X-Cache-Status \$upstream_cache_status always;
        }
    }
}
EOF

"$NGINX" -p "$WORK/origin" -c "$WORK/origin/nginx.conf" 2>>"$WORK/origin/error.log" &
ORIGIN_PID=$!
"$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" 2>>"$WORK/nginx/error.log" &
NGINX_PID=$!

# --- Airlock -----------------------------------------------------------------------------------
cat > "$WORK/airlock.yaml" <<EOF
server: { host: 127.0.0.1, port: $AIRLOCK_PORT, accessLog: $AIRLOCK_ACCESS_LOG }
upstreams:
  npm: { url: $ORIGIN/ }
cache: { metadataTtl: 1h }
EOF
# Run a private copy of the jar: a rebuild of deploy/target/airlock.jar during the run (someone
# running mvn) would otherwise pull classes out from under the running JVM (NoClassDefFoundError).
cp "$AIRLOCK_JAR" "$WORK/airlock.jar"
JAR_INFO="$(sha256sum "$WORK/airlock.jar" | cut -c1-12), built $(date -u -r "$AIRLOCK_JAR" +%Y-%m-%dT%H:%M:%SZ)"
GIT_INFO=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
[[ -n $(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null) ]] && GIT_INFO="$GIT_INFO + uncommitted changes"
log "== starting Airlock: java ${JAVA_OPTS:+$JAVA_OPTS }-jar $AIRLOCK_JAR (copied to $WORK/airlock.jar) serve (stdout -> $AIRLOCK_STDOUT)"
# shellcheck disable=SC2086  # JAVA_OPTS is a list of flags
java $JAVA_OPTS -jar "$WORK/airlock.jar" serve --config "$WORK/airlock.yaml" --data "$WORK/airlock-data" \
    >"$AIRLOCK_STDOUT" 2>"$WORK/airlock.stderr" &
AIRLOCK_PID=$!

wait_for() { # name url pid
    local i code
    for ((i = 0; i < 600; i++)); do
        kill -0 "$3" 2>/dev/null || die "$1 exited during start-up; see the logs in $WORK"
        code=$(curl -s -o /dev/null -w '%{http_code}' "$2" || true)
        [[ $code == 200 ]] && return 0
        sleep 0.1
    done
    die "$1 did not answer 200 at $2 within 60 s"
}
wait_for "origin nginx" "$ORIGIN/bench-small" "$ORIGIN_PID"
wait_for "nginx proxy_cache" "http://127.0.0.1:$NGINX_PORT/-/ready" "$NGINX_PID"
wait_for "Airlock" "http://127.0.0.1:$AIRLOCK_PORT/-/health" "$AIRLOCK_PID"
log "== origin :$ORIGIN_PORT (pid $ORIGIN_PID), nginx proxy_cache :$NGINX_PORT (pid $NGINX_PID), Airlock :$AIRLOCK_PORT (pid $AIRLOCK_PID)"

# --- sampling: RSS and CPU ---------------------------------------------------------------------
now_ms() { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); }
rss_kb() { # pids... -> summed VmRSS in kB
    local sum=0 pid k v _
    for pid in "$@"; do
        [[ -r /proc/$pid/status ]] || continue
        while read -r k v _; do [[ $k == VmRSS: ]] && sum=$((sum + v)) && break; done <"/proc/$pid/status" || true
    done
    echo "$sum"
}
cpu_ticks() { # pids... -> summed utime+stime in clock ticks
    local sum=0 pid f
    for pid in "$@"; do
        [[ -r /proc/$pid/stat ]] || continue
        read -r -a f <"/proc/$pid/stat" || continue
        sum=$((sum + f[13] + f[14]))
    done
    echo "$sum"
}
busy_ticks() { # all CPUs: total minus idle and iowait
    local _c u n s i w q sq st
    read -r _c u n s i w q sq st _ </proc/stat
    echo $((u + n + s + q + sq + st))
}
nginx_pids() { # the proxy_cache master and its children (workers, cache manager/loader)
    local p ppid
    echo "$NGINX_PID"
    for p in /proc/[0-9]*; do
        read -r _ _ _ ppid _ <"$p/stat" 2>/dev/null || continue
        [[ $ppid == "$NGINX_PID" ]] && echo "${p#/proc/}"
    done
    return 0
}
CLK_TCK=$(getconf CLK_TCK)
NGINX_PIDS=$(nginx_pids | tr '\n' ' ')
(
    while kill -0 "$AIRLOCK_PID" 2>/dev/null; do
        # shellcheck disable=SC2086
        echo "$(now_ms) $(rss_kb "$AIRLOCK_PID") $(rss_kb $NGINX_PIDS)"
        sleep 0.2
    done
) >"$WORK/rss.log" &
SAMPLER_PID=$!

# --- warm both caches and check what they serve ------------------------------------------------
pkg_of() { case $1 in small) echo bench-small ;; mid) echo bench-mid ;; medium) echo bench-medium ;; big | big-gzip) echo bench-big ;; *) die "unknown payload '$1' (small mid medium big big-gzip)" ;; esac; }
path_of() { # payload -> path under the mount
    local pkg; pkg=$(pkg_of "$1")
    case $1 in
        big | big-gzip) echo "/$pkg" ;;
        *) python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["packages"][sys.argv[2]]["tarball"])' "$MANIFEST" "$pkg" ;;
    esac
}
tarball_of() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["packages"][sys.argv[2]]["tarball"])' "$MANIFEST" "$1"; }

warm_one() { # server base package kind
    local server=$1 base=$2 pkg=$3 kind=$4 url hdr=() n code f
    case $kind in
        tarball) url=$base$(tarball_of "$pkg") ;;
        packument) url=$base/$pkg ;;
        packument-gzip) url=$base/$pkg; hdr=(-H 'Accept-Encoding: gzip') ;;
    esac
    for n in 1 2; do
        f=$WORK/warm/$server-$pkg-$kind-$n
        code=$(curl -sS "${hdr[@]}" -o "$f.body" -D "$f.headers" -w '%{http_code}' "$url" || echo 000)
        python3 "$HERE/results.py" check --manifest "$MANIFEST" --server "$server" --package "$pkg" --kind "$kind" \
            --body "$f.body" --headers "$f.headers" --status "$code" --mount-url "$AIRLOCK_URL/" \
            $([[ $n == 2 ]] && echo --second) || WARM_FAILED=1
    done
}
log "== warming both caches (each URL twice through each proxy; the second must be a cache hit)"
WARM_FAILED=0
pkgs=()
for p in $PAYLOADS; do
    pkg=$(pkg_of "$p")
    [[ " ${pkgs[*]} " == *" $pkg "* ]] || pkgs+=("$pkg")
done
for server in airlock nginx; do
    base=$AIRLOCK_URL; [[ $server == nginx ]] && base=$NGINX_URL
    for pkg in "${pkgs[@]}"; do
        warm_one "$server" "$base" "$pkg" packument
        [[ $pkg == bench-big && " $PAYLOADS " == *" big-gzip "* ]] && warm_one "$server" "$base" "$pkg" packument-gzip
        warm_one "$server" "$base" "$pkg" tarball
    done
done
((WARM_FAILED == 0)) || die "a warm-up response was wrong (see above and $WORK/warm); not measuring"

# --- measure -----------------------------------------------------------------------------------
RESULTS=$WORK/results.jsonl
: >"$RESULTS"
run_wrk() { # server payload conns duration record(0|1)
    local server=$1 payload=$2 conns=$3 dur=$4 record=$5 base pids url name t0 t1 c0 c1 b0 b1 json rss
    if [[ $server == airlock ]]; then base=$AIRLOCK_URL; pids=$AIRLOCK_PID; else base=$NGINX_URL; pids=$NGINX_PIDS; fi
    url=$base$(path_of "$payload")
    name=$payload-c$conns-$server
    local extra=()
    [[ $payload == big-gzip ]] && extra=(-H 'Accept-Encoding: gzip')
    # shellcheck disable=SC2086
    t0=$(now_ms); c0=$(cpu_ticks $pids); b0=$(busy_ticks)
    wrk -t"$THREADS" -c"$conns" -d"$dur" --latency -s "$HERE/report.lua" "${extra[@]}" "$url" >"$WORK/wrk/$name.txt" 2>&1 ||
        die "wrk failed for $name: $(tail -3 "$WORK/wrk/$name.txt")"
    # shellcheck disable=SC2086
    t1=$(now_ms); c1=$(cpu_ticks $pids); b1=$(busy_ticks)
    ((record)) || return 0
    json=$(sed -n 's/^WRKJSON //p' "$WORK/wrk/$name.txt")
    [[ -n $json ]] || die "no WRKJSON line in $WORK/wrk/$name.txt"
    col=2; [[ $server == nginx ]] && col=3
    rss=$(awk -v a="$t0" -v b="$t1" -v c="$col" '$1 >= a && $1 <= b && $c > m { m = $c } END { print m + 0 }' "$WORK/rss.log")
    printf '{"server":"%s","payload":"%s","conns":%d,"wall_s":%s,"server_cpu_s":%s,"machine_busy_s":%s,"rss_kb":%d,"wrk":%s}\n' \
        "$server" "$payload" "$conns" "$(awk -v a="$t0" -v b="$t1" 'BEGIN{print (b-a)/1000}')" \
        "$(awk -v a="$c0" -v b="$c1" -v t="$CLK_TCK" 'BEGIN{print (b-a)/t}')" \
        "$(awk -v a="$b0" -v b="$b1" -v t="$CLK_TCK" 'BEGIN{print (b-a)/t}')" "$rss" "$json" >>"$RESULTS"
    python3 - "$RESULTS" <<'PY' >&2
import json, sys
r = json.loads(open(sys.argv[1]).read().splitlines()[-1]); w = r["wrk"]; s = w["duration_us"] / 1e6
print("   %-8s %-8s c=%-3d %9.0f req/s %8.1f MB/s  p50 %7.2f ms  p99 %7.2f ms  non-2xx %d  sock-err %d  cpu %.2f cores" % (
    r["server"], r["payload"], r["conns"], w["requests"] / s, w["bytes"] / s / 1e6, w["p50_us"] / 1e3, w["p99_us"] / 1e3,
    w["err_status"], w["err_connect"] + w["err_read"] + w["err_write"] + w["err_timeout"], r["server_cpu_s"] / r["wall_s"]))
PY
}

if [[ $WARMUP != 0 && $WARMUP != 0s ]]; then
    log "== warm-up runs (wrk -c64 -d$WARMUP per URL and server, not recorded)"
    for p in $PAYLOADS; do
        for server in airlock nginx; do run_wrk "$server" "$p" 64 "$WARMUP" 0; done
    done
fi

log "== measuring (wrk -t$THREADS -d$DURATION --latency; c = $CONNECTIONS)"
row=0
for p in $PAYLOADS; do
    for c in $CONNECTIONS; do
        # Alternate who goes first so that drift (thermal, neighbours) does not always favour one.
        if ((row % 2 == 0)); then order="airlock nginx"; else order="nginx airlock"; fi
        for server in $order; do run_wrk "$server" "$p" "$c" "$DURATION" 1; done
        row=$((row + 1))
    done
done

# --- report ------------------------------------------------------------------------------------
kill -0 "$AIRLOCK_PID" 2>/dev/null || die "Airlock died during the run; see $WORK/airlock.stderr"
rss_max_a=$(awk '$2 > m { m = $2 } END { print m + 0 }' "$WORK/rss.log")
rss_max_n=$(awk '$3 > m { m = $3 } END { print m + 0 }' "$WORK/rss.log")
err_lines=$(grep -c -E 'ERROR|Exception|Error' "$WORK/airlock.stderr" || true)
warnings=$(grep -E '^[^ ]+ WARN' "$WORK/airlock.stderr" | cut -d' ' -f2- | cut -c1-160 | sort -u | head -5 | paste -sd';' - || true)
if [[ $err_lines == 0 ]]; then stderr_summary="no ERROR or exception lines"; else
    stderr_summary="**$err_lines ERROR/exception lines**, see $WORK/airlock.stderr"; fi
[[ -z $warnings ]] || stderr_summary="$stderr_summary; warnings: $warnings"
heap=$(java $JAVA_OPTS -XX:+PrintFlagsFinal -version 2>/dev/null |
    awk '$2 == "MaxHeapSize" { printf "%.0f MiB", $4 / 1048576 } $2 ~ /^Use(G1|Parallel|Serial|Z|Shenandoah)GC$/ && $4 == "true" { printf ", %s", $2 }')
TS=$(date -u +%Y%m%dT%H%M%SZ)
export DATE_ISO=$(date -u +%Y-%m-%dT%H:%M:%SZ) DURATION THREADS RSS_A=$rss_max_a RSS_N=$rss_max_n \
    STDERR_SUMMARY=$stderr_summary HEAP=$heap JAVA_OPTS NGINX_WORKERS AIRLOCK_STDOUT \
    NPROC=$(nproc) MEM=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) \
    CPU_MODEL=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo) KERNEL=$(uname -r) \
    JAVA_V=$(java -version 2>&1 | sed -n 2p) NGINX_V=$("$NGINX" -v 2>&1) WRK_V=$(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)
python3 - "$WORK/facts.json" <<'PY'
import json, os, sys
e = os.environ
json.dump({
    "date": e["DATE_ISO"], "duration": e["DURATION"], "threads": e["THREADS"], "nproc": e["NPROC"], "mem": e["MEM"],
    "cpu": e["CPU_MODEL"], "kernel": e["KERNEL"], "java": e["JAVA_V"], "nginx": e["NGINX_V"], "wrk": e["WRK_V"],
    "java_opts": e["JAVA_OPTS"], "heap": e["HEAP"], "nginx_workers": e["NGINX_WORKERS"],
    "airlock_stdout": e["AIRLOCK_STDOUT"], "airlock_rss_max_kb": int(e["RSS_A"]), "nginx_rss_max_kb": int(e["RSS_N"]),
    "airlock_stderr_summary": e["STDERR_SUMMARY"],
}, open(sys.argv[1], "w"), indent=2)
PY

REPORT=$OUT/results-$TS.md
{
    echo "## Load benchmark: Airlock vs nginx proxy_cache ($DATE_ISO)"
    echo
    echo "- Machine: $NPROC CPUs ($CPU_MODEL), $MEM RAM, Linux $KERNEL; wrk shares the CPUs with the servers."
    echo "- Airlock: git $GIT_INFO; jar sha256 $JAR_INFO."
    echo "- $JAVA_V; JVM flags: ${JAVA_OPTS:-none (defaults)}; max heap ${heap#, }; access logs: $ACCESS_LOG on both servers (Airlock stdout -> $AIRLOCK_STDOUT)."
    echo "- $NGINX_V, proxy_cache with worker_processes $NGINX_WORKERS (origin: 1 worker); $WRK_V."
    echo "- Fixture: $(python3 -c 'import json,sys; m=json.load(open(sys.argv[1]))["packages"]; print(", ".join("%s tarball %d B / packument %d B" % (k, v["tarball_bytes"], v["packument_bytes"]) for k, v in m.items()))' "$MANIFEST")."
    echo
    python3 "$HERE/results.py" table --results "$RESULTS" --manifest "$MANIFEST" --facts "$WORK/facts.json"
} >"$REPORT"
cat "$REPORT"
log ""
log "== written: $REPORT (raw wrk output: $WORK/wrk/)"
