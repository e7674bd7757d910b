# syntax=docker/dockerfile:1
# Two stages: build the bot's wheel and a virtualenv from the locked requirements, then copy the
# virtualenv into a slim image that runs as an unprivileged user with the database on a volume.
# The image holds the installed `bot` package only (its catalogs, rules and migrations inside);
# the fake Telegram server, the tests and the benchmarks stay in the repository.
FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN python -m venv /venv && python -m venv /build
COPY requirements/base.lock requirements/build.lock /tmp/
RUN /venv/bin/pip install --require-hashes -r /tmp/base.lock \
    && /build/bin/pip install --require-hashes -r /tmp/build.lock
COPY pyproject.toml README.md /src/
COPY bot /src/bot
COPY locales /src/locales
COPY migrations /src/migrations
RUN /build/bin/pip wheel --no-deps --no-build-isolation -w /wheels /src \
    && /venv/bin/pip install --no-deps /wheels/*.whl

FROM python:3.11-slim
ENV PATH=/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DATABASE_URL=sqlite:////data/bot.sqlite3
# Voice notes ("🔊 Listen"): espeak-ng reads, opusenc encodes OGG/Opus (bot/speech/voices.toml).
RUN apt-get update \
    && apt-get install -y --no-install-recommends espeak-ng opus-tools \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --system bot && useradd --system --gid bot --home-dir /app --no-create-home bot \
    && mkdir -p /data && chown bot:bot /data
COPY --from=build /venv /venv
WORKDIR /app
USER bot
VOLUME ["/data"]
HEALTHCHECK --interval=60s --timeout=10s --start-period=30s --retries=3 \
    CMD ["asylum-bot", "health"]
ENTRYPOINT ["asylum-bot"]
CMD ["run"]
