#!/usr/bin/env bash
# Local single-node Kafka (KRaft) without Docker.
#   kafka.sh fetch   download the broker jars with Maven into the git-ignored cache (once)
#   kafka.sh start   format storage on first start, run the broker in the background, wait until it listens
#   kafka.sh stop    stop the broker this script started (by its recorded pid only)
#   kafka.sh status  exit 0 when the recorded broker runs and listens
#   kafka.sh kill    kill -9 the recorded broker (fault tests)
# Environment: KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (9093), KAFKA_HEAP (384m),
#              D06_DATA_DIR (<repo>/.data), D06_CACHE_DIR (<repo>/.cache)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
KAFKA_VERSION=3.9.1
port="${KAFKA_PORT:-9092}"
controller_port="${KAFKA_CONTROLLER_PORT:-9093}"
heap="${KAFKA_HEAP:-384m}"
data_root="${D06_DATA_DIR:-$root/.data}/kafka"
libs="${D06_CACHE_DIR:-$root/.cache}/kafka-$KAFKA_VERSION/libs"
pid_file="$data_root/kafka.pid"
log_dir="$data_root/log"
data_dir="$data_root/data"
# A fixed cluster id (base64url of 16 bytes) keeps re-formatting reproducible.
cluster_id="ZDA2LWxvY2FsLWthZmthMQ"

say() { echo "[kafka] $*"; }

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; }

recorded_pid() {
  [ -f "$pid_file" ] || return 1
  local pid; pid="$(cat "$pid_file")"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && grep -q "kafka.Kafka" "/proc/$pid/cmdline" 2>/dev/null && echo "$pid"
}

fetch() {
  if [ -f "$libs/kafka_2.13-$KAFKA_VERSION.jar" ] && [ -f "$libs/.complete" ]; then return 0; fi
  command -v java >/dev/null || { echo "Java 17+ is needed to run the local Kafka broker (or set KAFKA_BROKERS, or use Docker: see README)." >&2; exit 3; }
  command -v mvn >/dev/null || { echo "Maven is needed to fetch the Kafka broker jars (or set KAFKA_BROKERS, or use Docker: see README)." >&2; exit 3; }
  say "fetching Apache Kafka $KAFKA_VERSION jars from Maven Central into $libs (once)"
  mkdir -p "$libs"
  mvn -q -B -f "$here/pom.xml" dependency:copy-dependencies -DoutputDirectory="$libs" -DincludeScope=runtime
  touch "$libs/.complete"
}

java_args() {
  jargs=(-Xms128m -Xmx"$heap" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError
    -Djava.awt.headless=true -Dkafka.logs.dir="$log_dir" -Dlog4j.configuration="file:$here/log4j.properties"
    -cp "$libs/*")
}

start() {
  if pid="$(recorded_pid)"; then
    say "already running (pid $pid) on 127.0.0.1:$port"; return 0
  fi
  if listening; then
    say "something else already listens on 127.0.0.1:$port; using it as the broker"; return 0
  fi
  fetch
  mkdir -p "$data_dir" "$log_dir"
  local props="$data_root/server.properties"
  sed -e "s#@@PORT@@#$port#g" -e "s#@@CONTROLLER_PORT@@#$controller_port#g" -e "s#@@DATA_DIR@@#$data_dir#g" \
    "$here/server.properties.template" > "$props"
  if [ ! -f "$data_dir/meta.properties" ]; then
    say "formatting KRaft storage in $data_dir"
    java_args
    java "${jargs[@]}" kafka.tools.StorageTool format -t "$cluster_id" -c "$props" --ignore-formatted > "$log_dir/format.log" 2>&1 \
      || { cat "$log_dir/format.log" >&2; exit 1; }
  fi
  say "starting broker on 127.0.0.1:$port (log: $log_dir/server.log)"
  java_args
  ( cd "$data_root" && exec setsid java "${jargs[@]}" kafka.Kafka "$props" > "$log_dir/stdout.log" 2>&1 < /dev/null ) &
  echo $! > "$pid_file"
  local pid; pid="$(cat "$pid_file")"
  for _ in $(seq 1 120); do
    if listening; then say "up (pid $pid)"; return 0; fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "[kafka] the broker exited during start-up; last lines of its log:" >&2
      tail -n 30 "$log_dir/stdout.log" "$log_dir/server.log" 2>/dev/null >&2 || true
      rm -f "$pid_file"; exit 1
    fi
    sleep 0.5
  done
  echo "[kafka] the broker did not listen on 127.0.0.1:$port within 60 s" >&2; exit 1
}

stop() {
  local pid
  if ! pid="$(recorded_pid)"; then rm -f "$pid_file"; say "not running"; return 0; fi
  say "stopping broker (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || { rm -f "$pid_file"; say "stopped"; return 0; }; sleep 0.5; done
  say "still running after 30 s; killing"; kill -KILL "$pid" 2>/dev/null || true; rm -f "$pid_file"
}

kill9() {
  local pid
  if pid="$(recorded_pid)"; then kill -KILL "$pid"; say "killed -9 (pid $pid)"; else say "not running"; fi
}

status() { local pid; if pid="$(recorded_pid)" && listening; then say "running (pid $pid)"; else say "not running"; return 1; fi; }

case "${1:-}" in
  fetch) fetch ;;
  start) start ;;
  stop) stop ;;
  kill) kill9 ;;
  status) status ;;
  *) echo "usage: $0 fetch|start|stop|status|kill" >&2; exit 2 ;;
esac
