#!/usr/bin/env bash
# Start the web server, a Celery worker and Celery beat together; Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.venv/bin
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"
mkdir -p var/log var/run
rm -f var/run/worker.pid

pids=()
alive() {
  local pid
  for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && return 0; done
  return 1
}
# Ctrl-C: TERM to all three (Celery's warm shutdown finishes the task in hand); whatever still runs
# after STOP_GRACE seconds gets QUIT (Celery's cold shutdown: unfinished tasks go back to the
# broker, whose relay sends them again), then KILL. All stopped within about 10 s.
stop() {
  trap - INT TERM EXIT
  echo
  echo "Stopping web, worker and beat..."
  local pid i
  # The worker itself, under its supervisor: it gets the same signals.
  [ -s var/run/worker.pid ] && pids+=("$(cat var/run/worker.pid)")
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for ((i = 0; i < ${STOP_GRACE:-5} * 4; i++)); do alive || break; sleep 0.25; done
  if alive; then
    for pid in "${pids[@]}"; do kill -QUIT "$pid" 2>/dev/null || true; done
    for ((i = 0; i < 6; i++)); do alive || break; sleep 0.25; done
    # KILL reaches the pool's processes too (a worker's prefork children, gunicorn's workers).
    for pid in "${pids[@]}"; do
      pkill -KILL -P "$pid" 2>/dev/null || true
      kill -KILL "$pid" 2>/dev/null || true
    done
  fi
  wait 2>/dev/null || true
  echo "Stopped."
}
trap stop INT TERM EXIT

"$VENV/gunicorn" mcof_site.wsgi:application --bind "$HOST:$PORT" --workers "${WEB_WORKERS:-2}" \
  --access-logfile - --error-logfile - --graceful-timeout 5 &
pids+=($!)
# The worker, restarted when it exits and when its heartbeat (core.heartbeat: a task beat queues
# every 20 s through the broker) is older than a minute: alive but not consuming.
supervise_worker() {
  local wpid="" spid=""
  trap 'kill -TERM $wpid $spid 2>/dev/null; wait $wpid 2>/dev/null; exit 0' INT TERM
  while true; do
    "$VENV/celery" -A mcof_site worker --loglevel=INFO --concurrency="${WORKER_CONCURRENCY:-2}" \
      --hostname "worker@%h" &
    wpid=$!
    echo "$wpid" > var/run/worker.pid
    local started
    started=$(date +%s)
    while kill -0 "$wpid" 2>/dev/null; do
      sleep "${WATCHDOG_INTERVAL:-20}" &
      spid=$!
      # Wakes at the interval, or at once when the worker exits.
      wait -n "$wpid" "$spid" || true
      kill "$spid" 2>/dev/null || true
      # A minute and a half to start and receive its first heartbeat before it is judged.
      if (($(date +%s) - started > ${WATCHDOG_GRACE:-90})) \
        && ! "$VENV/python" manage.py worker_health --max-age "${WORKER_HEARTBEAT_MAX_AGE_SECONDS:-60}" >&2; then
        echo "watchdog: the worker is not consuming; restarting it" >&2
        kill -TERM "$wpid" 2>/dev/null || true
        sleep 10 &
        wait $! || true
        kill -KILL "$wpid" 2>/dev/null || true
      fi
    done
    wait "$wpid" 2>/dev/null || true
    echo "watchdog: the worker exited; starting it again" >&2
    sleep 2 &
    wait $! || true
  done
}
supervise_worker &
pids+=($!)
"$VENV/celery" -A mcof_site beat --loglevel=INFO --schedule var/celerybeat-schedule &
pids+=($!)

cat <<MSG

  MCOF case management is running at http://$HOST:$PORT/
  Database: ${DATABASE_URL:-SQLite in var/}   Broker: ${CELERY_BROKER_URL:-${REDIS_URL:-filesystem queue in var/broker}}

  Demo accounts (password: ${DEMO_PASSWORD:-demo-pass-2026}):
    hq         HQ emergency coordinator
    com_lby    Chief of Mission, IOM Libya
    staff_lby  office staff, IOM Libya
    staff_tun  office staff, IOM Tunisia
    staff_hti  office staff, IOM Haiti
    com_hti    Chief of Mission, IOM Haiti
    gov_egy    government liaison, Egypt
    gov_bgd    government liaison, Bangladesh
    unhcr      partner liaison, UNHCR

  hq, gov_egy, gov_bgd and unhcr also ask for a code: print it with
    DEBUG=1 .venv/bin/python manage.py demo_otp <username>

  Press Ctrl-C to stop web, worker and beat.

MSG
wait -n "${pids[@]}"
