#!/usr/bin/env bash
# API fuzzing, the long run (make fuzz): schemathesis against the project's own OpenAPI schema, every operation,
# all checks, all phases (examples, coverage, fuzzing, stateful). A throwaway server on loopback with a throwaway
# SQLite database and media folder (demo data loaded), authenticated with an API token of the demo company user
# (who owns drafts), rate limits lifted so that throttling is not reported as a failure. The server is gunicorn (sync
# workers, as in the Dockerfile), not runserver: runserver's wsgiref handler does not understand a chunked request body
# (schemathesis sends one, empty, for some form bodies), reads its "0" terminator as the next request line on the
# kept-alive connection and answers it with a status-less HTML page, which schemathesis reports as "Connection
# aborted"; gunicorn parses chunked bodies, so the run reflects production. Bounded: FUZZ_EXAMPLES
# per operation, a fixed FUZZ_SEED so that a failure reproduces, and a request timeout.
# CI runs the short, in-process gate instead: tests/hardening/test_fuzz.py (part of make test; no coverage or
# stateful phase there, they take minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
ST=${ST:-.venv/bin/st}
PORT=${FUZZ_PORT:-8765}
EXAMPLES=${FUZZ_EXAMPLES:-20}
SEED=${FUZZ_SEED:-20251128}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/aix-fuzz.XXXXXX")
unset REDIS_URL CELERY_BROKER_URL
export DJANGO_DEBUG=true DATABASE_URL="sqlite:///$WORK/fuzz.sqlite3" AIX_PRIVATE_MEDIA_ROOT="$WORK/media" \
  AIX_RATELIMIT_ENABLE=false AIX_API_ANON_RATE=100000/min AIX_API_USER_RATE=100000/min \
  AIX_API_SUBMISSION_RATE=100000/hour CELERY_TASK_ALWAYS_EAGER=true DJANGO_LOG_LEVEL=WARNING

cleanup() { [ -n "${SERVER:-}" ] && kill "$SERVER" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

$PY manage.py migrate --noinput -v 0
$PY manage.py load_demo_data >/dev/null
# The API's token scheme and real slugs and ids (a draft and a component the user owns, a published package, a closed
# and an open notice, the active rule set), from the same tests/hardening/fuzzconfig.py as the CI gate, so that every
# operation reaches more than a 404; a new draft names one of the user's consortia, a component a supplier: a schema
# cannot list those, so a 400 naming the field is right there.
$PY manage.py shell -c "from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
from aiexports.portal.demo import DEMO_COMPANY
from tests.hardening.fuzzconfig import toml_for
user = get_user_model().objects.get(email=DEMO_COMPANY[0])
print(toml_for(Token.objects.get_or_create(user=user)[0].key, user))" >"$WORK/schemathesis.toml"
"$(dirname "$PY")/gunicorn" aiexports.wsgi:application --bind "127.0.0.1:$PORT" --workers 2 --timeout 60 \
  --access-logfile - >"$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 60); do
  curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  sleep 1
done

set +e
$ST --config-file "$WORK/schemathesis.toml" run "http://127.0.0.1:$PORT/api/schema/" --url "http://127.0.0.1:$PORT" \
  --checks all --max-examples "$EXAMPLES" --seed "$SEED" --request-timeout 30 \
  --report junit --report-junit-path "${FUZZ_REPORT:-var/fuzz-junit.xml}" ${FUZZ_ARGS:-}
STATUS=$?
set -e
if [ "$STATUS" -ne 0 ]; then
  echo "--- server log (last 60 lines) ---"
  tail -n 60 "$WORK/server.log"
fi
exit "$STATUS"
