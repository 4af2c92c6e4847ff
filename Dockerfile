# syntax=docker/dockerfile:1
#
# sealreg image: Airflow 3.3.2 + the sealreg pipeline (dbt-duckdb, GX Core), one image for every
# Airflow component in docker-compose.yml (api-server, scheduler, dag-processor, triggerer, workers).
#
#   docker build -t sealreg:latest .
#
# Dependencies are pinned by pyproject.toml and constrained by constraints.txt (generated at the repo
# root). The extra packages below are the deployment-only drivers: the Postgres metadata DB, the
# Celery executor (compose profile "celery") and the FAB auth manager (the admin user of airflow-init).
# kombu/redis are capped because kombu 5.7's redis extra pins packaging==26.3, which conflicts with the
# project's pins and sends pip into a long backtrack (resolution checked with `pip install --dry-run`).

ARG PYTHON_IMAGE=python:3.11-slim

# ---------------------------------------------------------------------------------------------------
# builder: a self-contained virtualenv in /opt/venv
# ---------------------------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS builder

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1

RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

WORKDIR /src

# Layer 1 (cached while pyproject.toml / constraints.txt do not change): the dependencies only.
COPY pyproject.toml README.md constraints.txt ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml','rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
 && pip install --constraint constraints.txt --requirement /tmp/requirements.txt \
        "psycopg2-binary==2.9.13" \
        "apache-airflow-providers-postgres==7.1.1" \
        "apache-airflow-providers-celery==3.26.0" \
        apache-airflow-providers-fab \
        "kombu>=5.6,<5.7" "redis>=5.2,<6.5"

# Layer 2: the project itself (sealreg, ingestion, expectations packages + console script).
COPY . .
RUN pip install --constraint constraints.txt . \
 && pip check

# ---------------------------------------------------------------------------------------------------
# runtime
# ---------------------------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE}

# tini: PID 1 that forwards signals (warm shutdown of celery workers, clean scheduler stop).
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*

# Non-root user, same convention as the official Airflow image: uid 50000, group 0 (so an
# arbitrary uid in group 0, e.g. on OpenShift, can still write the shared dirs).
ARG AIRFLOW_UID=50000
RUN useradd --uid "${AIRFLOW_UID}" --gid 0 --home-dir /opt/airflow --create-home --shell /bin/bash airflow

COPY --from=builder /opt/venv /opt/venv
# The source tree: DAGs, dbt project, spec, samples. sealreg/config.py resolves PROJECT_ROOT (and so
# dbt_project/ and samples/) from the imported package, so the source tree must be the one imported:
# PYTHONPATH puts /opt/sealreg ahead of the copy pip installed into site-packages.
COPY --chown=airflow:0 . /opt/sealreg

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/opt/sealreg \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    AIRFLOW_HOME=/opt/airflow \
    AIRFLOW__CORE__DAGS_FOLDER=/opt/sealreg/dags \
    AIRFLOW__CORE__LOAD_EXAMPLES=False \
    SEALREG_HOME=/var/lib/sealreg/home \
    SEALREG_INBOX=/var/lib/sealreg/inbox \
    GX_ANALYTICS_ENABLED=false \
    DBT_SEND_ANONYMOUS_USAGE_STATS=false \
    DO_NOT_TRACK=1

# Mount points. A named volume mounted on an existing image directory starts with that directory's
# ownership, so the registry home volume is writable by the airflow user from the first run.
RUN mkdir -p /opt/airflow/logs /var/lib/sealreg/home /var/lib/sealreg/inbox \
 && chown -R airflow:0 /opt/airflow /var/lib/sealreg \
 && chmod -R g+rwX /opt/airflow /var/lib/sealreg

USER airflow
WORKDIR /opt/airflow

EXPOSE 8080 8974 8793

ENTRYPOINT ["/usr/bin/tini", "--", "airflow"]
CMD ["version"]
