# The book's container: `docker build -t microblog .`, then `docker compose up` or
# `docker run` (README: "Deploying as in the book"). Any Debian-based image with python3 and
# its venv module will do as the base: --build-arg BASE_IMAGE=...
ARG BASE_IMAGE=python:3.11-slim
FROM ${BASE_IMAGE}

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/srv/microblog/.venv/bin:$PATH
WORKDIR /srv/microblog

# Dependencies first, so a code change does not reinstall them.
RUN python3 -m venv .venv
COPY install.txt ./
RUN pip install --no-cache-dir -r install.txt

COPY app app
COPY migrations migrations
COPY microblog.py config.py gunicorn.conf.py babel.cfg .flaskenv boot.sh ./
# Fingerprinted, compressed static files, built once here: the app's user cannot write app/.
RUN flask static build

# The code stays root's; the app's user writes only the compiled translations, the instance
# folder (rate-limit counters without Redis), data/ (the SQLite database by default) and its
# home (gunicorn's control socket).
RUN useradd --system --user-group --create-home microblog \
    && mkdir -p instance data \
    && chown -R microblog:microblog app/translations instance data
USER microblog

ENV FLASK_APP=microblog.py \
    DATABASE_URL=sqlite:////srv/microblog/data/app.db \
    GUNICORN_BIND=0.0.0.0:5000 \
    GUNICORN_ACCESS_LOG=- \
    LOG_TO_STDOUT=1
EXPOSE 5000
CMD ["./boot.sh"]
