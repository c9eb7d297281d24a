#!/usr/bin/env bash
# `make run`: the development server, with the background job runner and the outbox sender
# beside it. Ctrl-C (or any of the three stopping) stops all three and returns.
set -u
cd "$(dirname "$0")/.."
PORT="${LOA_DEV_PORT:-8000}"
pids=()
stop() {
  trap - INT TERM EXIT  # once: the kill below must not run this again
  kill -TERM "${pids[@]}" 2>/dev/null
  wait "${pids[@]}" 2>/dev/null
  exit 0
}
trap stop INT TERM EXIT
.venv/bin/python manage.py run_jobs --loop & pids+=($!)
.venv/bin/python manage.py send_outbox --loop & pids+=($!)
.venv/bin/python manage.py runserver "127.0.0.1:$PORT" & pids+=($!)
wait -n
