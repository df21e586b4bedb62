#!/bin/sh
# Starts the app in a container (Dockerfile) or a Heroku dyno (Procfile): bring the database
# to the newest revision, retrying while it is still starting, compile the translations, build
# the static files (no write when the image has them), then become gunicorn (gunicorn.conf.py).
set -e
cd "$(dirname "$0")"

retries="${BOOT_DB_RETRIES:-30}"
delay="${BOOT_DB_DELAY:-2}"
# This loop does the waiting, one line per attempt: the migration's own wait would be silent.
export DATABASE_WAIT_SECONDS="${DATABASE_WAIT_SECONDS:-0}"

attempt=1
until flask db upgrade; do
    if [ "$attempt" -ge "$retries" ]; then
        echo "boot.sh: flask db upgrade failed $attempt times; giving up (is DATABASE_URL right and the database up?)" >&2
        exit 1
    fi
    echo "boot.sh: flask db upgrade failed (attempt $attempt of $retries), retrying in ${delay}s" >&2
    attempt=$((attempt + 1))
    sleep "$delay"
done

flask translate compile
flask static build

# Heroku names the port to listen on in $PORT.
if [ -z "${GUNICORN_BIND:-}" ] && [ -n "${PORT:-}" ]; then
    export GUNICORN_BIND="0.0.0.0:$PORT"
fi
exec gunicorn microblog:app
