# Shared by bin/ and bench/ scripts: find a Java 21+, build missing jars, manage child processes.
# Source it; it defines functions only (and ROOT).

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# The reference tutorial's four regions, "name port health-latency-ms", as bin/demo and bin/scenario
# run them (examples/regions.yaml and examples/inferenceregions.yaml point at these ports).
REGIONS=("us-east-1 8001 100" "me-south-1 8002 60" "ap-south-1 8003 50" "brazilsouth 8004 80")

# java_major BIN -> prints the major version of that java, or nothing
java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}' | cut -d. -f1
}

# find_java: JAVA_HOME if it is 21+; else the newest 21+ among the JDKs beside the default one
# (/usr/lib/jvm, macOS, SDKMAN) and `java` on the PATH.
find_java() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    local home_major
    home_major=$(java_major "$JAVA_HOME/bin/java" 2>/dev/null)
    if [ -n "$home_major" ] && [ "$home_major" -ge 21 ]; then
      echo "$JAVA_HOME/bin/java"
      return 0
    fi
  fi
  local candidates=()
  for dir in /usr/lib/jvm/* /Library/Java/JavaVirtualMachines/*/Contents/Home "$HOME"/.sdkman/candidates/java/*; do
    [ -x "$dir/bin/java" ] && candidates+=("$dir/bin/java")
  done
  command -v java >/dev/null 2>&1 && candidates+=("$(command -v java)")
  local best="" best_major=0 c major
  for c in "${candidates[@]}"; do
    major=$(java_major "$c" 2>/dev/null)
    if [ -n "$major" ] && [ "$major" -ge 21 ] && [ "$major" -gt "$best_major" ]; then
      best="$c"; best_major="$major"
    fi
  done
  if [ -z "$best" ]; then
    echo "error: region-router needs Java 21 or newer; set JAVA_HOME to a JDK 21+ (found none)" >&2
    return 1
  fi
  echo "$best"
}

# ensure_jars MODULE...: builds the executable jars that are missing (tests skipped; ./mvnw verify runs them)
ensure_jars() {
  local missing=() m
  for m in "$@"; do
    [ -f "$ROOT/$m/target/$m.jar" ] || missing+=("$m")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local list
  list=$(IFS=,; echo "${missing[*]}")
  echo "building ${list} (first run downloads Maven and dependencies; a few minutes) ..."
  (cd "$ROOT" && ./mvnw -B -q -ntp -DskipTests package -pl "$list" -am) || {
    echo "error: build failed; run ./mvnw -pl $list -am package to see why" >&2
    return 1
  }
}

# Children started with start_child are stopped by stop_children (trap it on EXIT).
CHILD_PIDS=()
CHILD_NAMES=()
start_child() { # NAME LOGFILE CMD...
  local name="$1" log="$2"
  shift 2
  "$@" >"$log" 2>&1 &
  CHILD_PIDS+=($!)
  CHILD_NAMES+=("$name")
}

stop_children() {
  local pid
  for pid in "${CHILD_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for _ in $(seq 1 50); do
    local alive=0
    for pid in "${CHILD_PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" -eq 0 ] && return 0
    sleep 0.1
  done
  for pid in "${CHILD_PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
}

# wait_http URL SECONDS: waits until URL answers 2xx
wait_http() {
  local url="$1" deadline=$((SECONDS + $2))
  while [ $SECONDS -lt $deadline ]; do
    curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null && return 0
    sleep 0.2
  done
  return 1
}

# port_free PORT: true when nothing listens on 127.0.0.1:PORT
port_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# snapshot_jar MODULE DIR: copies MODULE's executable jar into DIR and prints the copy's path, so
# that a rebuild while the demo runs does not pull the jar from under a running JVM.
snapshot_jar() {
  mkdir -p "$2"
  cp "$ROOT/$1/target/$1.jar" "$2/$1.jar"
  echo "$2/$1.jar"
}
