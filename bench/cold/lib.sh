# Shared by bench/cold/capture.sh and bench/cold/run.sh (sourced, not run).
# Needs: HERE (bench/cold), ROOT (the repository), WORK (a scratch dir), log(), die().

REPLAY_JAR=${REPLAY_JAR:-$ROOT/bench/target/benchmarks.jar}
AIRLOCK_JAR=${AIRLOCK_JAR:-$ROOT/deploy/target/airlock.jar}
REPLAY_JAVA_OPTS=${REPLAY_JAVA_OPTS:--Xmx3g}
PIP_PROJECTS=${PIP_PROJECTS:-flask requests rich pydantic}

REPLAY_PID='' AIRLOCK_PID='' REPLAY_PORT='' AIRLOCK_PORT=''

now_s() { local t=$EPOCHREALTIME; echo "$t"; }

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

stop_pid() { # pid signal seconds
    local pid=$1 i
    [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
    kill -"$2" "$pid" 2>/dev/null || true
    for ((i = 0; i < $3 * 10; i++)); do kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

wait_http() { # name url pid seconds
    local i code
    for ((i = 0; i < $4 * 10; i++)); do
        kill -0 "$3" 2>/dev/null || die "$1 exited during start-up"
        code=$(curl -s -o /dev/null -w '%{http_code}' "$2" || true)
        [[ $code == 200 ]] && return 0
        sleep 0.1
    done
    die "$1 did not answer 200 at $2 within $4 s"
}

# start_replay DATA LOG RTT BANDWIDTH [--record URL --placeholder HOST]
start_replay() {
    local data=$1 logf=$2 rtt=$3 bw=$4
    shift 4
    local pf=$WORK/replay.port
    rm -f "$pf"
    # shellcheck disable=SC2086
    java $REPLAY_JAVA_OPTS -cp "$WORK/benchmarks.jar" dev.airlock.bench.replay.ReplayUpstream --data "$data" --port 0 \
        --rtt "$rtt" --bandwidth "$bw" --log "$logf" --port-file "$pf" "$@" >>"$WORK/replay.out" 2>&1 &
    REPLAY_PID=$!
    local i
    for ((i = 0; i < 1200; i++)); do
        [[ -s $pf ]] && break
        kill -0 "$REPLAY_PID" 2>/dev/null || die "the replay exited during start-up: $(tail -5 "$WORK/replay.out")"
        sleep 0.1
    done
    [[ -s $pf ]] || die "the replay did not start within 120 s"
    REPLAY_PORT=$(cat "$pf")
    wait_http replay "http://127.0.0.1:$REPLAY_PORT/__replay/health" "$REPLAY_PID" 120
}

stop_replay() { stop_pid "$REPLAY_PID" TERM 10; REPLAY_PID=''; }

replay_ctl() { curl -sS "http://127.0.0.1:$REPLAY_PORT/__replay/$1"; }

# start_airlock ECOSYSTEM UPSTREAM_URL DATA_DIR STDOUT_FILE
start_airlock() {
    local eco=$1 url=$2 data=$3 out=$4
    AIRLOCK_PORT=$(free_port)
    mkdir -p "$data"
    # Every ecosystem's upstream is set, the others to a loopback port nothing listens on: Airlock
    # then neither discovers nor ever contacts a real registry during a run.
    local e u
    {
        echo "server: { host: 127.0.0.1, port: $AIRLOCK_PORT, accessLog: true }"
        echo "upstreams:"
        for e in npm maven pypi; do
            u="http://127.0.0.1:9/"
            [[ $e == "$eco" ]] && u=$url
            echo "  $e: { url: \"$u\" }"
        done
    } >"$WORK/airlock-$eco.yaml"
    # shellcheck disable=SC2086
    java ${AIRLOCK_JAVA_OPTS:-} -jar "$WORK/airlock.jar" serve --config "$WORK/airlock-$eco.yaml" --data "$data" \
        >"$out" 2>"$out.stderr" &
    AIRLOCK_PID=$!
    wait_http Airlock "http://127.0.0.1:$AIRLOCK_PORT/-/health" "$AIRLOCK_PID" 120
}

stop_airlock() {
    local i
    if [[ -n $AIRLOCK_PID ]] && kill -0 "$AIRLOCK_PID" 2>/dev/null; then
        kill -TERM "$AIRLOCK_PID" 2>/dev/null
        for ((i = 0; i < 150; i++)); do kill -0 "$AIRLOCK_PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$AIRLOCK_PID" 2>/dev/null || true
        wait "$AIRLOCK_PID" 2>/dev/null || true
    fi
    AIRLOCK_PID=''
}

# A private copy of both jars: a rebuild during the run must not pull classes from under the JVMs.
copy_jars() {
    [[ -f $REPLAY_JAR ]] || die "$REPLAY_JAR is missing: mvn -B -o -q -DskipTests package -pl deploy,bench -am"
    [[ -f $AIRLOCK_JAR ]] || die "$AIRLOCK_JAR is missing: mvn -B -o -q -DskipTests package -pl deploy,bench -am"
    cp "$REPLAY_JAR" "$WORK/benchmarks.jar"
    cp "$AIRLOCK_JAR" "$WORK/airlock.jar"
}

# --- the clients -----------------------------------------------------------------------------------
# Each runs in a fresh copy of its project with a fresh cache; output goes to $2.

# npm_run REGISTRY_URL LOGFILE SCRATCH
npm_run() {
    local reg=$1 out=$2 dir=$3
    rm -rf "$dir"
    mkdir -p "$dir/app" "$dir/home"
    cp "$HERE/npm/package.json" "$HERE/npm/package-lock.json" "$dir/app/"
    : >"$dir/home/npmrc"
    : >"$dir/home/global-npmrc"
    (cd "$dir/app" && HOME=$dir/home npm_config_userconfig=$dir/home/npmrc npm_config_globalconfig=$dir/home/global-npmrc \
        npm_config_update_notifier=false NO_UPDATE_NOTIFIER=1 \
        npm ci --registry "$reg" --cache "$dir/cache" --ignore-scripts --no-audit --no-fund --fetch-retries 0 --loglevel http) \
        >"$out" 2>&1
}

# mvn_run MIRROR_URL LOGFILE SCRATCH
mvn_run() {
    local url=$1 out=$2 dir=$3
    rm -rf "$dir"
    mkdir -p "$dir"
    cp -r "$HERE/maven" "$dir/project"
    cat >"$dir/settings.xml" <<EOF
<settings><mirrors><mirror><id>bench</id><mirrorOf>*</mirrorOf><url>$url</url></mirror></mirrors></settings>
EOF
    (cd "$dir/project" && mvn -B -s "$dir/settings.xml" -Dmaven.repo.local="$dir/m2" package) >"$out" 2>&1
}

# pip_run INDEX_URL LOGFILE SCRATCH
pip_run() {
    local url=$1 out=$2 dir=$3
    rm -rf "$dir"
    mkdir -p "$dir"
    # --isolated: none of the machine's pip config (its extra indexes, find-links, constraints).
    # shellcheck disable=SC2086
    python3 -m pip install --isolated --no-cache-dir --disable-pip-version-check --no-input --retries 0 \
        --root-user-action=ignore --target "$dir/target" --index-url "$url" $PIP_PROJECTS >"$out" 2>&1
}
