# The app's container image: one app server (Streamlit) per container; run several behind deploy/haproxy.cfg with
# compose.yaml. See docs/deploy.md.
#   docker build -t vn-clf-award .
ARG PYTHON_IMAGE=python:3.11-slim
FROM ${PYTHON_IMAGE}

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# The app runs as this user, never root; it owns nothing but its data directory.
RUN useradd --system --uid 10001 --user-group --create-home --home-dir /home/app app

# Dependencies first (a layer that changes only with requirements.txt), in a virtual environment of their own.
COPY requirements.txt /app/requirements.txt
RUN python3 -m venv /opt/venv && /opt/venv/bin/pip install -r /app/requirements.txt
ENV PATH=/opt/venv/bin:$PATH

# The code, owned by root and read-only for the app user.
COPY . /app
WORKDIR /app

# Data directory: signing keys (a shared volume on /data/keys, see compose.yaml) and, without DATABASE_URL and
# ACCREDITATION_STORAGE_URL, the SQLite database and evidence files.
RUN mkdir -p /data/keys && chown -R app:app /data && chmod -R 700 /data
ENV ACCREDITATION_DATA_DIR=/data \
    STREAMLIT_SERVER_ADDRESS=0.0.0.0 \
    STREAMLIT_SERVER_PORT=8501 \
    STREAMLIT_SERVER_HEADLESS=true \
    STREAMLIT_SERVER_FILE_WATCHER_TYPE=none \
    STREAMLIT_BROWSER_GATHER_USAGE_STATS=false

USER app
EXPOSE 8501
# Streamlit answers "ok" on /_stcore/health once it serves; the standard library is enough to ask (no curl here).
HEALTHCHECK --interval=15s --timeout=5s --start-period=90s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4).read() != b'ok')"]
# accreditation.serve migrates the database and checks the signing key before Streamlit serves anyone; it refuses
# to start on a network address without ACCREDITATION_PUBLIC_URL.
CMD ["python", "-m", "accreditation.serve"]
