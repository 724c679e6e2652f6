# Shared by bench/run and bench/soak: tools, ports, child processes, nginx configs, wrk runs.
# Source it after setting nothing; it sources bin/lib.sh (find_java, ensure_jars, wait_http, port_free).

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=../../bin/lib.sh
source "$BENCH_DIR/../bin/lib.sh"

now_ms() { date +%s%3N; }

# sleep_until_ms EPOCH_MS: sleeps until that wall-clock time (returns at once if it has passed)
sleep_until_ms() {
  local left=$(( $1 - $(now_ms) ))
  [ "$left" -gt 0 ] && sleep "$(awk -v ms="$left" 'BEGIN { printf "%.3f", ms / 1000 }')"
  return 0
}

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# ensure_tools: installs wrk, nginx, curl and python3 from the distribution's packages if missing.
ensure_tools() {
  local missing=() t
  for t in wrk nginx curl python3; do
    command -v "$t" >/dev/null 2>&1 || [ -x "/usr/sbin/$t" ] || missing+=("$t")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null 2>&1 || die "missing ${missing[*]}: install them (no apt-get here)"
  log "installing ${missing[*]} with apt-get"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get install -y -q "${missing[@]}" >/dev/null 2>&1 ||
    { $sudo apt-get update -q >/dev/null 2>&1 && $sudo apt-get install -y -q "${missing[@]}" >/dev/null; } ||
    die "apt-get install ${missing[*]} failed"
}
NGINX_BIN() { command -v nginx 2>/dev/null || echo /usr/sbin/nginx; }

# build_jars MODULE...: builds the missing executable jars (serialised with other builds when flock is there)
build_jars() {
  local m missing=0
  for m in "$@"; do [ -f "$ROOT/$m/target/$m.jar" ] || missing=1; done
  [ $missing -eq 0 ] && return 0
  if command -v flock >/dev/null 2>&1; then
    flock /tmp/rr-mvn.lock bash -c "source '$ROOT/bin/lib.sh'; ensure_jars $*"
  else
    ensure_jars "$@"
  fi
}

# snapshot_jars: copies the executable jars into $WORK and runs those: another build replacing
# target/*.jar in the middle of a run would otherwise break the JVMs started from it.
snapshot_jars() {
  local lock=()
  command -v flock >/dev/null 2>&1 && lock=(flock /tmp/rr-mvn.lock) # not while a build writes them
  "${lock[@]}" cp "$ROOT/mock-region/target/mock-region.jar" "$ROOT/router/target/router.jar" "$WORK/"
  MOCK_JAR="$WORK/mock-region.jar" ROUTER_JAR="$WORK/router.jar"
}

require_free_ports() {
  local p
  for p in "$@"; do port_free "$p" || die "port $p is in use on 127.0.0.1 (set BENCH_PORT_BASE to move every port)"; done
}

# --- child processes, by name -------------------------------------------------------------------
declare -A PROC_PID=()
proc_start() { # NAME LOGFILE CMD...
  local name="$1" logf="$2"
  shift 2
  "$@" >>"$logf" 2>&1 &
  PROC_PID[$name]=$!
}
proc_pid() { echo "${PROC_PID[$1]:-}"; }
proc_alive() { local p="${PROC_PID[$1]:-}"; [ -n "$p" ] && kill -0 "$p" 2>/dev/null; }
proc_stop() { # NAME: TERM, then KILL after 5 s
  local pid="${PROC_PID[$1]:-}"
  [ -z "$pid" ] && return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  unset "PROC_PID[$1]"
}
proc_kill9() { # NAME: the crash of a region
  local pid="${PROC_PID[$1]:-}"
  [ -z "$pid" ] && return 0
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  unset "PROC_PID[$1]"
}
proc_stop_all() {
  local n
  for n in "${!PROC_PID[@]}"; do kill -TERM "${PROC_PID[$n]}" 2>/dev/null || true; done
  for n in "${!PROC_PID[@]}"; do proc_stop "$n"; done
}

# --- the processes under test -----------------------------------------------------------------
# start_mock NAME REGION PORT: the mock region with no inference delay (the fastest upstream it can be)
start_mock() {
  proc_start "$1" "$WORK/$1.log" "$JAVA" -jar "$MOCK_JAR" "$2" "$3" 0 --inference-delay-ms=0
}
mock_admin() { # PORT JSON
  curl -fsS -o /dev/null --max-time 2 -XPOST "http://127.0.0.1:$1/admin/config" -H 'Content-Type: application/json' -d "$2"
}

# ROUTER_JAVA_OPTS: the JVM of the Helm chart's router pod (its router.javaOpts, values.yaml says why each),
# sized for its 768Mi limit. --sun-misc-unsafe-memory-access needs Java 23+: an older JVM runs without it
# (Netty uses Unsafe there anyway).
ROUTER_CHART_JAVA_OPTS="-XX:+UseParallelGC -XX:MaxRAMPercentage=25 -XX:InitialRAMPercentage=25 -XX:NewRatio=1 -XX:-UseAdaptiveSizePolicy -XX:TrimNativeHeapInterval=5000 --sun-misc-unsafe-memory-access=allow -XX:+ExitOnOutOfMemoryError"
router_java_opts() { # JAVA
  if [ "$(java_major "$1")" -ge 23 ] 2>/dev/null; then
    echo "-XX:MaxRAM=768m $ROUTER_CHART_JAVA_OPTS"
  else
    echo "-XX:MaxRAM=768m ${ROUTER_CHART_JAVA_OPTS/ --sun-misc-unsafe-memory-access=allow/}"
  fi
}
# bench_java: JAVA (a 21+ JDK, as bin/demo finds it) and ROUTER_JAVA_OPTS for it.
bench_java() {
  JAVA=$(find_java)
  ROUTER_JAVA_OPTS="${BENCH_ROUTER_JAVA_OPTS:-$(router_java_opts "$JAVA")}"
}
ROUTER_ARGS="${BENCH_ROUTER_ARGS:-}"
start_router() { # NAME PORT REGIONS_FILE
  # shellcheck disable=SC2086
  # its GC log gives the bytes allocated per request (lib/gc_alloc.py)
  proc_start "$1" "$WORK/$1.log" "$JAVA" $ROUTER_JAVA_OPTS "-Xlog:gc:file=$WORK/$1-gc.log:timemillis" -jar "$ROUTER_JAR" \
    "--router.regions-file=$3" "--server.port=$2" $ROUTER_ARGS
}
# wait_router PORT REGION: ready, and serving POST /v1/inference from REGION
wait_router() {
  wait_http "http://127.0.0.1:$1/actuator/health/readiness" 90 || return 1
  local deadline=$((SECONDS + 30))
  while [ $SECONDS -lt $deadline ]; do
    [ "$(served_by "http://127.0.0.1:$1/v1/inference")" = "$2" ] && return 0
    sleep 0.2
  done
  return 1
}

BODY='{"prompt":"Explain quantum computing in one sentence.","max_tokens":32}'
# served_by URL: the region that served one POST (router header, else the mock's own header)
served_by() {
  curl -sS -o /dev/null -D - --max-time 5 -XPOST "$1" -H 'Content-Type: application/json' -d "$BODY" 2>/dev/null |
    awk -F': *' 'tolower($1)=="x-region-router-region" {r=$2} tolower($1)=="x-mock-region" && r=="" {m=$2}
                 END {v = r != "" ? r : m; gsub(/\r/, "", v); print v}'
}

# regions_file PATH NAME1 PORT1 NAME2 PORT2: primary (priority 1) and secondary (priority 2)
regions_file() {
  cat >"$1" <<YAML
# written by bench: a primary and a secondary region on loopback
regions:
  - name: $2
    endpoint: http://127.0.0.1:$3
    costPer1kTokens: 0.30
    priority: 1
    provider: onprem
  - name: $4
    endpoint: http://127.0.0.1:$5
    costPer1kTokens: 0.40
    priority: 2
    provider: onprem
YAML
}

# nginx_common PREFIX: the top of an nginx.conf that keeps every file under PREFIX
nginx_common() {
  cat <<CONF
worker_processes auto;
error_log $1/error.log error;
pid $1/nginx.pid;
events { worker_connections 8192; multi_accept on; }
http {
  access_log off;
  client_body_temp_path $1/body;
  proxy_temp_path $1/proxy;
  fastcgi_temp_path $1/fastcgi;
  uwsgi_temp_path $1/uwsgi;
  scgi_temp_path $1/scgi;
  keepalive_requests 1000000;
  keepalive_timeout 75s;
CONF
}

# start_nginx_static NAME PORT_A PORT_B: nginx answering fixed JSON (a second, non-JVM upstream)
start_nginx_static() {
  local dir="$WORK/$1"
  mkdir -p "$dir"
  { nginx_common "$dir"
    cat <<CONF
  server {
    listen 127.0.0.1:$2 backlog=4096;
    listen 127.0.0.1:$3 backlog=4096;
    default_type application/json;
    location = /health { return 200 '{"status":"healthy","region":"static-\$server_port"}'; }
    location / {
      add_header X-Mock-Region static-\$server_port;
      return 200 '{"output":"Mock response from static: Explain quantum computing in one sentence....","tokens_used":32}';
    }
  }
}
CONF
  } >"$dir/nginx.conf"
  proc_start "$1" "$WORK/$1.log" "$(NGINX_BIN)" -p "$dir" -c "$dir/nginx.conf" -g 'daemon off;'
}

# start_nginx_proxy NAME [LISTEN PRIMARY_PORT BACKUP_PORT]...: nginx as the reverse proxy to beat:
# keepalive pool to the upstreams, the second server a backup (as the router's priority 2), POST
# retried on the backup on errors, timeouts, 502/503/504 and 429 (non_idempotent: nginx does not
# retry POST otherwise), 3 failures take a server out for 30 s (as the router's passive ejection),
# per-try timeout 15 s (the router's default try timeout).
start_nginx_proxy() {
  local name="$1" dir="$WORK/$1"
  shift
  mkdir -p "$dir"
  { nginx_common "$dir"
    while [ $# -ge 3 ]; do
      cat <<CONF
  upstream up_$1 {
    server 127.0.0.1:$2 max_fails=3 fail_timeout=30s;
    server 127.0.0.1:$3 backup;
    keepalive 512;
    keepalive_requests 1000000;
  }
  server {
    listen 127.0.0.1:$1 backlog=4096;
    location / {
      proxy_pass http://up_$1;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_next_upstream error timeout http_502 http_503 http_504 http_429 non_idempotent;
      proxy_next_upstream_tries 3;
      proxy_connect_timeout 2s;
      proxy_read_timeout 15s;
      proxy_send_timeout 15s;
    }
  }
CONF
      shift 3
    done
    echo "}"
  } >"$dir/nginx.conf"
  proc_start "$name" "$WORK/$name.log" "$(NGINX_BIN)" -p "$dir" -c "$dir/nginx.conf" -g 'daemon off;'
}

# WRK: one thread (the machine has 2 cores); BENCH_WRK_CPUS pins it with taskset (e.g. "1").
wrk_cmd() {
  if [ -n "${BENCH_WRK_CPUS:-}" ]; then echo "taskset -c $BENCH_WRK_CPUS wrk"; else echo "wrk"; fi
}
# run_wrk CONNS SECONDS URL SCRIPT [TIMEOUT]: prints wrk's BENCH line (see lua/post.lua)
run_wrk() {
  # shellcheck disable=SC2046
  $(wrk_cmd) -t1 -c"$1" -d"$2"s --timeout "${5:-2}s" -s "$4" "$3" 2>&1 | grep '^BENCH' || echo "BENCH requests=0 failed=1"
}

# proc_stats PID: "rss_kib hwm_kib threads fds"
proc_stats() {
  local pid=$1
  [ -r "/proc/$pid/status" ] || { echo "0 0 0 0"; return; }
  awk '/^VmRSS:/ {r=$2} /^VmHWM:/ {h=$2} /^Threads:/ {t=$2} END {printf "%d %d %d ", r, h, t}' "/proc/$pid/status"
  ls "/proc/$pid/fd" 2>/dev/null | wc -l
}

# tree_cpu_ticks PID: user+system CPU ticks of PID and its children (nginx's workers), see getconf CLK_TCK
tree_cpu_ticks() {
  local p total=0
  for p in "$1" $(pgrep -P "$1" 2>/dev/null); do
    [ -r "/proc/$p/stat" ] && total=$((total + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)))
  done
  echo "$total"
}

machine_info() { # prints key=value lines about this machine and the tools
  echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "nproc=$(nproc)"
  echo "cpu=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)"
  echo "mem=$(awk '/^MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "kernel=$(uname -r)"
  echo "clk_tck=$(getconf CLK_TCK)"
  echo "java=$("$JAVA" -version 2>&1 | head -1)"
  echo "wrk=$(wrk -v 2>&1 | head -1 | awk '{print $1, $2, $3}')"
  echo "nginx=$("$(NGINX_BIN)" -v 2>&1 | sed 's/^nginx version: //')"
  local dirty
  dirty=$(cd "$ROOT" && git status --porcelain -- router/src/main router/pom.xml mock-region/src/main mock-region/pom.xml 2>/dev/null | head -1)
  echo "commit=$(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null)${dirty:+ (router or mock-region differ from it: uncommitted changes)}"
  echo "router_jar=$(date -u -r "$ROOT/router/target/router.jar" +%Y-%m-%dT%H:%M:%SZ 2>/dev/null)"
  echo "router_java_opts=$ROUTER_JAVA_OPTS"
  echo "router_args=$ROUTER_ARGS"
  echo "wrk_cpus=${BENCH_WRK_CPUS:-unpinned}"
}
