# syntax=docker/dockerfile:1
# One image for web (gunicorn), worker (celery worker) and beat (celery beat); see docker-compose.yml.

# --- Front-end assets from npm (USWDS, axe-core, the world map): no CDN at run time -------------
FROM node:20-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error  # the linter (@redocly/cli) is for CI only

# --- The application ---------------------------------------------------------------------------
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=aiexports.settings.base

RUN groupadd --system app && useradd --system --gid app --home-dir /app --shell /usr/sbin/nologin app
WORKDIR /app

# Dependencies first, in their own layer, so a code change does not reinstall them.
COPY pyproject.toml README.md ./
RUN mkdir -p aiexports catalog rfi \
    && touch aiexports/__init__.py catalog/__init__.py rfi/__init__.py \
    && pip install . \
    && pip uninstall -y aiexports \
    && rm -rf aiexports catalog rfi build ./*.egg-info

COPY --from=assets /src/node_modules ./node_modules
COPY . .
# Editable install: settings find templates/, static/ and locale/ next to the package (BASE_DIR = /app).
RUN pip install --no-deps -e . \
    && DJANGO_DEBUG=false DJANGO_SECRET_KEY=collectstatic-only-build-time-key-not-used-at-run-time \
       python manage.py collectstatic --noinput \
    && mkdir -p /app/var/private \
    && chown -R app:app /app/var

USER app
EXPOSE 8000
# GUNICORN_CMD_ARGS (for example "--workers 4 --timeout 60") adjusts gunicorn without a new image.
CMD ["gunicorn", "aiexports.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
