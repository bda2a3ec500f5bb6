# syntax=docker/dockerfile:1
# Production image for Local Leaders.
#
#   docker build -t localleaders .
#   docker run -p 8000:8000 -v localleaders-data:/data localleaders
#
# Three stages keep build tools (npm, hatchling) out of the final image:
#   assets  - fetches the pinned front-end files from package-lock.json
#   build   - builds the wheel and installs it with the locked dependencies into /opt/venv
#   runtime - only Python, the virtualenv and an unprivileged user

FROM node:20-slim AS assets
WORKDIR /assets
COPY package.json package-lock.json ./
# --ignore-scripts: we only need the files in dist/, never a package's install hooks.
RUN npm ci --ignore-scripts --no-audit --no-fund \
    && mkdir -p static/js/vendor \
    && cp node_modules/htmx.org/dist/htmx.min.js static/js/vendor/htmx.min.js


FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
ENV PATH="/opt/venv/bin:$PATH"
WORKDIR /src
# Dependencies first, so that code changes do not invalidate this layer.
COPY requirements.lock ./
RUN pip install --no-cache-dir -r requirements.lock
COPY pyproject.toml README.md ./
COPY platform ./platform
COPY templates ./templates
COPY static ./static
COPY courses ./courses
COPY --from=assets /assets/static/js/vendor/htmx.min.js ./static/js/vendor/htmx.min.js
# Translations ship as .po files and are compiled in memory at start-up.
RUN pip wheel . --no-deps --no-cache-dir -w /dist \
    && pip install --no-cache-dir --no-deps /dist/*.whl


FROM python:3.11-slim AS runtime
ENV PATH="/opt/venv/bin:$PATH" \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    LOCALLEADERS_ENVIRONMENT=production \
    LOCALLEADERS_DATABASE_URL=sqlite:////data/localleaders.db \
    LOCALLEADERS_DATA_DIR=/data
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /data --no-create-home \
        --shell /usr/sbin/nologin app \
    && mkdir /data \
    && chown app:app /data
COPY --from=build /opt/venv /opt/venv
WORKDIR /data
VOLUME ["/data"]
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
# `serve` applies pending database migrations before it starts the web server.
CMD ["localleaders", "serve", "--host", "0.0.0.0", "--port", "8000"]
