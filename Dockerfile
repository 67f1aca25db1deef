# syntax=docker/dockerfile:1
# Build stage: a virtualenv with versus and its pinned dependencies.
FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
RUN python -m venv /opt/venv
COPY pyproject.toml constraints.txt README.md ./
COPY app ./app
COPY migrations ./migrations
COPY seed ./seed
RUN /opt/venv/bin/pip install -c constraints.txt .

# Runtime stage: the virtualenv only, run by an unprivileged user.
FROM python:3.11-slim
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    VERSUS_HOST=0.0.0.0 \
    VERSUS_PORT=8000 \
    VERSUS_DATABASE_URL=sqlite:////data/versus.db
RUN useradd --system --uid 10001 --home-dir /data --create-home versus
COPY --from=build /opt/venv /opt/venv
USER versus
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f\"http://127.0.0.1:{os.environ['VERSUS_PORT']}/healthz\", timeout=2)"]
# Migrations (and, on an empty database, the bundled seed) run before the server starts.
CMD ["sh", "-c", "versus db upgrade && versus seed --if-empty && exec versus serve"]
