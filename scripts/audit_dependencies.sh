#!/usr/bin/env bash
# Dependency audit of the lock files with pip-audit. It needs an advisory service: PyPI's per-release
# JSON API (default) or OSV. Where neither answers (as on the CI machines of this project, which
# reach PyPI only through a package mirror) it says so loudly and does not pretend to have audited.
# Accepted findings go in AUDIT_IGNORE below, each with its reason in docs/development.md ("Security linter").
set -euo pipefail
cd "$(dirname "$0")/.."
AUDIT_IGNORE=()

django_version=$(sed -n 's/^django==\([^ ]*\).*/\1/Ip' requirements.txt | head -n 1)
service=""
if curl -fsS -o /dev/null --max-time 10 "https://pypi.org/pypi/django/${django_version}/json"; then
  service=pypi
elif curl -fsS -o /dev/null --max-time 10 -X POST -d '{}' "https://api.osv.dev/v1/query"; then
  service=osv
fi
if [ -z "$service" ]; then
  echo "DEPENDENCY AUDIT NOT RUN: no advisory service reachable (PyPI per-release JSON API, api.osv.dev)."
  echo "Run 'make audit' on a machine with internet access."
  exit "${AUDIT_REQUIRED:-0}"
fi
.venv/bin/pip-audit --vulnerability-service "$service" --disable-pip --require-hashes \
  -r requirements.txt -r requirements-dev.txt "${AUDIT_IGNORE[@]/#/--ignore-vuln=}"
