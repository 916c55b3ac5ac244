# The enforcement service center: one image for web (gunicorn), worker, beat and the migrate job.
# docker-compose.yml wires it to PostgreSQL and Redis; see the "Running it" section of DESIGN.md.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    VAR_DIR=/app/var

# WeasyPrint's runtime libraries (Pango, HarfBuzz and its subsetter) and the CJK font the notices use
# ('Noto Sans CJK SC'). Nothing else: no compilers, no curl.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz0b \
        libharfbuzz-subset0 \
        fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home --shell /usr/sbin/nologin app

WORKDIR /app

# Dependencies first, in their own layer, so a change to the code does not reinstall them.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY . .
# The project itself. Templates, static files and translations live at the top of the repository, next to
# the packages, and settings find them relative to enforcement/: the code runs from /app (PYTHONPATH).
RUN pip install --no-deps . \
    && rm -rf build ./*.egg-info \
    && mkdir -p "$VAR_DIR/media" \
    && chown -R app:app "$VAR_DIR"

USER app

# Settings refuse to load without a secret key and host names when DEBUG is off: give them build-only
# values for collectstatic. The real ones come from the environment at run time.
RUN DEBUG=false SECRET_KEY=build-only ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput

EXPOSE 8000

CMD ["gunicorn", "enforcement.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
