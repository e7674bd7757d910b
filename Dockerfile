# syntax=docker/dockerfile:1
# Two stages: build a virtualenv from the locked requirements, then copy it into a slim image
# that runs as an unprivileged user with the database on a volume.
FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN python -m venv /venv
COPY requirements/base.lock /tmp/base.lock
RUN /venv/bin/pip install --require-hashes -r /tmp/base.lock
COPY locales /locales
RUN /venv/bin/pybabel -q compile -d /locales -D messages

FROM python:3.11-slim
ENV PATH=/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DATABASE_URL=sqlite:////data/bot.sqlite3
RUN groupadd --system bot && useradd --system --gid bot --home-dir /app --no-create-home bot \
    && mkdir -p /data && chown bot:bot /data
COPY --from=build /venv /venv
WORKDIR /app
COPY --chown=bot:bot bot ./bot
COPY --chown=bot:bot migrations ./migrations
COPY --from=build --chown=bot:bot /locales ./locales
COPY --chown=bot:bot alembic.ini pyproject.toml ./
USER bot
VOLUME ["/data"]
HEALTHCHECK --interval=60s --timeout=10s --start-period=30s --retries=3 \
    CMD ["python", "-m", "bot", "health"]
ENTRYPOINT ["python", "-m", "bot"]
CMD ["run"]
