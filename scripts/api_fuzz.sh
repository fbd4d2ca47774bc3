#!/usr/bin/env bash
# Fuzz the live API from its own OpenAPI schema (schemathesis) as HQ, office staff and a government
# liaison: gunicorn with production settings, on a fresh database with the demo data, one token per
# role. Fails on any server error, any answer the schema does not describe, and any operation whose
# generated requests are mostly rejected (the schema does not say what validation enforces).
#
#   scripts/api_fuzz.sh                          # DATABASE_URL's server, database <name>_apifuzz
#   FUZZ_MAX_EXAMPLES=50 FUZZ_MAX_TIME=300 scripts/api_fuzz.sh
#
# Environment: DATABASE_URL (its server; the fuzz database FUZZ_DATABASE_URL defaults to its name
# with _apifuzz and is dropped and created again), REDIS_URL, FUZZ_PORT (8765), FUZZ_MAX_EXAMPLES
# per operation (10), FUZZ_MAX_TIME seconds per role (60), FUZZ_ROLES ("hq staff_lby gov_egy"),
# FUZZ_SEED (fixed by default), FUZZ_REPORT_DIR (var/apifuzz); FUZZ_FRESH=0 keeps the database of the last run;
# FUZZ_MOSTLY_REJECTED_FAILS=0 lists the "mostly rejected" operations without failing (CI does so).
# The schemathesis settings, and the operations exempt from the "mostly rejected" warning with the
# reason, are in scripts/api_fuzz.toml.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.venv/bin
started=$(date +%s)

base_url="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/mcof}"
export DATABASE_URL="${FUZZ_DATABASE_URL:-${base_url%/*}/${base_url##*/}_apifuzz}"
db_name="${DATABASE_URL##*/}"
server_url="${DATABASE_URL%/*}/postgres"
port="${FUZZ_PORT:-8765}"
max_examples="${FUZZ_MAX_EXAMPLES:-10}"
max_time="${FUZZ_MAX_TIME:-60}"
roles=(${FUZZ_ROLES:-hq staff_lby gov_egy})
report_dir="${FUZZ_REPORT_DIR:-var/apifuzz}"
# A fixed seed: the same cases on every run (FUZZ_SEED=$RANDOM for others).
seed="${FUZZ_SEED:-20261202}"

# Production settings on plain HTTP, the demo data allowed; no e-mail leaves the machine.
export DEBUG=0 HTTPS=0 MCOF_DEMO=1 EMAIL_BACKEND=file ALLOWED_HOSTS=127.0.0.1 LOG_LEVEL=ERROR
export SECRET_KEY="$("$VENV/python" -c 'import secrets; print(secrets.token_urlsafe(64))')"
export MCOF_VAR_DIR="${MCOF_VAR_DIR:-$PWD/var/apifuzz-var}"

echo "API fuzz: database $db_name, port $port, $max_examples examples per operation, ${max_time}s per role, seed $seed"
step() { printf '%s (%ss)\n' "$*" "$(( $(date +%s) - started ))"; }
if [ "${FUZZ_FRESH:-1}" = 1 ]; then
  step "Fresh database, migrations"
  psql "$server_url" -qAtc "DROP DATABASE IF EXISTS \"$db_name\" WITH (FORCE)" >/dev/null
  psql "$server_url" -qAtc "CREATE DATABASE \"$db_name\"" >/dev/null
  "$VENV/python" manage.py migrate --noinput -v0
  # A tenth of the demo flight's and ship's passengers: the same kinds of rows, seeded in less time.
  step "Demo data"
  DEMO_MOVEMENT_PERCENT="${DEMO_MOVEMENT_PERCENT:-10}" "$VENV/python" manage.py seed_demo >/dev/null
  "$VENV/python" manage.py collectstatic --noinput -v0
fi

mkdir -p "$report_dir"
# One token per role, and the schemathesis configuration with the ids of the demo data.
declare -A tokens
while read -r username key; do
  [ -n "$key" ] && tokens[$username]=$key
done < <("$VENV/python" scripts/api_fuzz_config.py "$report_dir/schemathesis.toml" "${roles[@]}")

step "gunicorn on 127.0.0.1:$port"
if "$VENV/python" -c "import socket, sys; sys.exit(socket.socket().connect_ex(('127.0.0.1', $port)) != 0)"; then
  echo "Port $port is in use: set FUZZ_PORT to a free one." >&2
  exit 1
fi
: > "$report_dir/gunicorn.log"
# No limit on the request line: a generated query string of 5 kB would meet gunicorn's 414, an HTML
# page of the web server that the API's schema does not describe (the proxy in front has its own).
"$VENV/gunicorn" mcof_site.wsgi:application --bind "127.0.0.1:$port" --workers "${WEB_WORKERS:-2}" \
  --error-logfile "$report_dir/gunicorn.log" --capture-output --graceful-timeout 5 --limit-request-line 0 &
gunicorn_pid=$!
trap 'kill -TERM "$gunicorn_pid" 2>/dev/null || true; wait "$gunicorn_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do
  "$VENV/python" -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$port/health/', timeout=2)" 2>/dev/null && break
  kill -0 "$gunicorn_pid" 2>/dev/null || { echo "gunicorn exited" >&2; cat "$report_dir/gunicorn.log" >&2; exit 1; }
  sleep 0.5
done

status=0
summary=()
for role in "${roles[@]}"; do
  echo
  echo "=== as $role"
  role_started=$(date +%s)
  # The token endpoint is throttled on purpose (20/minute): fuzzing it would only meet 429s.
  if ! "$VENV/schemathesis" --config-file "$report_dir/schemathesis.toml" run "http://127.0.0.1:$port/api/schema/" \
    -H "Authorization: Token ${tokens[$role]}" -H "Accept-Encoding: identity" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --exclude-path /api/v1/auth/token/ \
    --phases examples,coverage,fuzzing --max-examples "$max_examples" --max-time "$max_time" \
    --seed "$seed" --workers 2 --request-timeout 30 --no-color --output-truncate true \
    --report ndjson --report-ndjson-path "$report_dir/$role.ndjson" | tee "$report_dir/$role.log"; then
    status=1
  fi
  summary+=("$role: $(grep -Eo '[0-9]+ generated.*' "$report_dir/$role.log" | tail -n1), $(( $(date +%s) - role_started ))s")
done
if grep -q "Traceback\|Internal Server Error" "$report_dir/gunicorn.log"; then
  echo "The server logged errors ($report_dir/gunicorn.log):" >&2
  grep -B2 -A20 "Traceback" "$report_dir/gunicorn.log" | head -100 >&2
  status=1
fi
echo
printf '  %s\n' "${summary[@]}"
echo "API fuzz: $(( $(date +%s) - started ))s in all, exit $status"
exit $status
