#!/usr/bin/env bash
# A Spark standalone cluster on this machine: one master and two workers, from the PySpark
# distribution pinned in requirements.lock (its sbin/spark-daemon.sh and bin/spark-class; the
# pip package ships no start-master.sh/start-worker.sh, which are thin wrappers of the same
# daemon script). Java 17 must be on PATH (or JAVA_HOME set).
#
#   scripts/spark-cluster.sh start      master spark://127.0.0.1:7077 and two workers
#   scripts/spark-cluster.sh status     daemons and the workers the master sees
#   scripts/spark-cluster.sh stop
#
# Sized for the 2-core, 24 GiB reference machine shared with DuckDB and the driver: each
# worker offers 1 core and SPARK_CLUSTER_WORKER_MEMORY (5g); the screening engine asks for
# one 1-core executor per worker (SPARK_EXECUTOR_MEMORY, .env.example). Logs, pids and the
# workers' scratch space live under var/spark/ (SPARK_CLUSTER_DIR). Every value below can be
# overridden from the environment.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"
HOST="${SPARK_CLUSTER_HOST:-127.0.0.1}"
PORT="${SPARK_CLUSTER_PORT:-7077}"
UI_PORT="${SPARK_CLUSTER_UI_PORT:-8780}"
WORKERS="${SPARK_CLUSTER_WORKERS:-2}"
WORKER_CORES="${SPARK_CLUSTER_WORKER_CORES:-1}"
WORKER_MEMORY="${SPARK_CLUSTER_WORKER_MEMORY:-5g}"
STATE="${SPARK_CLUSTER_DIR:-$ROOT/var/spark}"

MASTER_CLASS=org.apache.spark.deploy.master.Master
WORKER_CLASS=org.apache.spark.deploy.worker.Worker

export SPARK_HOME="${SPARK_HOME:-$("$PYTHON" -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))')}"
if [ -z "${JAVA_HOME:-}" ]; then
  JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
  export JAVA_HOME
fi
export SPARK_LOG_DIR="$STATE/logs" SPARK_PID_DIR="$STATE/pids" SPARK_IDENT_STRING=villageaid
export SPARK_WORKER_DIR="$STATE/work"
# The daemons themselves are small; the executors' memory is set per application.
export SPARK_DAEMON_MEMORY="${SPARK_DAEMON_MEMORY:-512m}"
export PYSPARK_PYTHON="$PYTHON"
# Finished applications' executor directories are cleaned up by the workers.
export SPARK_WORKER_OPTS="${SPARK_WORKER_OPTS:--Dspark.worker.cleanup.enabled=true -Dspark.worker.cleanup.appDataTtl=3600}"
DAEMON="$SPARK_HOME/sbin/spark-daemon.sh"
URL="spark://$HOST:$PORT"

start() {
  mkdir -p "$SPARK_LOG_DIR" "$SPARK_PID_DIR" "$SPARK_WORKER_DIR"
  "$DAEMON" start "$MASTER_CLASS" 1 --host "$HOST" --port "$PORT" --webui-port "$UI_PORT"
  for n in $(seq 1 "$WORKERS"); do
    "$DAEMON" start "$WORKER_CLASS" "$n" --host "$HOST" --webui-port "$((UI_PORT + n))" \
      --cores "$WORKER_CORES" --memory "$WORKER_MEMORY" --work-dir "$SPARK_WORKER_DIR/$n" "$URL"
  done
  # Wait (up to 60 s) until the master lists every worker as alive.
  for _ in $(seq 1 60); do
    if [ "$(alive)" -ge "$WORKERS" ]; then
      echo "cluster up: $URL, $WORKERS workers x $WORKER_CORES core(s), $WORKER_MEMORY; UI http://$HOST:$UI_PORT"
      return 0
    fi
    sleep 1
  done
  echo "the master at $URL lists $(alive) of $WORKERS workers after 60 s; see $SPARK_LOG_DIR" >&2
  return 1
}

stop() {
  for n in $(seq "$WORKERS" -1 1); do
    "$DAEMON" stop "$WORKER_CLASS" "$n" || true
  done
  "$DAEMON" stop "$MASTER_CLASS" 1 || true
}

alive() {
  # Workers the master lists as ALIVE, from its web UI's JSON (0 when it does not answer).
  "$PYTHON" - "$HOST" "$UI_PORT" <<'EOF'
import json, sys, urllib.request
try:
    with urllib.request.urlopen(f"http://{sys.argv[1]}:{sys.argv[2]}/json/", timeout=2) as r:
        print(sum(w.get("state") == "ALIVE" for w in json.load(r).get("workers", [])))
except OSError:
    print(0)
EOF
}

status() {
  local rc=0
  "$DAEMON" status "$MASTER_CLASS" 1 || rc=1
  for n in $(seq 1 "$WORKERS"); do
    "$DAEMON" status "$WORKER_CLASS" "$n" || rc=1
  done
  echo "master $URL lists $(alive) alive worker(s); logs in $SPARK_LOG_DIR"
  return "$rc"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
