# kerjasosial: the bot in a small image. Data (SQLite and evidence photos) lives in /data.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    KERJASOSIAL_DATA_DIR=/data

RUN useradd --create-home --uid 10001 kerjasosial \
    && mkdir /data && chown kerjasosial:kerjasosial /data && chmod 0700 /data

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY domain ./domain
COPY handlers ./handlers
COPY scheduler ./scheduler
COPY storage ./storage
COPY texts ./texts
COPY services ./services
# The metrics extra is small and pure Python; the endpoint stays off unless configured.
RUN pip install --no-cache-dir '.[metrics]' && rm -rf /app

USER kerjasosial
WORKDIR /home/kerjasosial
VOLUME ["/data"]

# Pass KERJASOSIAL_BOT_TOKEN (and KERJASOSIAL_ADMIN_IDS) with `docker run -e ...`.
CMD ["kerjasosial", "run"]
