#!/usr/bin/env bash
# Install the test dependencies (Python and system packages) and run every check:
# ruff (lint + format), mypy, and the whole pytest suite including slow and browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-deps.sh
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[roads,test]'
echo "== pip-audit (known vulnerabilities of the installed packages)"
# Fails on a known vulnerability; only reports (does not fail) when the vulnerability service
# cannot be reached and packages stay unaudited.
audit_status=0
.venv/bin/pip-audit --progress-spinner off --skip-editable >.pip-audit.txt 2>&1 || audit_status=$?
unaudited=$(grep -c "could not be audited" .pip-audit.txt || true)
if grep -q "^Found [0-9]* known vulnerabilit" .pip-audit.txt; then
  grep -v "could not be audited" .pip-audit.txt || true
  exit 1
elif [ "$unaudited" -gt 0 ] || grep -q "ConnectionError" .pip-audit.txt; then
  echo "pip-audit: NOT AUDITED: its vulnerability service (PyPI's JSON API) cannot be reached" \
    "from here ($unaudited packages skipped); reported, not failed"
elif [ "$audit_status" -ne 0 ]; then
  cat .pip-audit.txt
  exit "$audit_status"
else
  cat .pip-audit.txt
fi
rm -f .pip-audit.txt
echo "== ruff"
.venv/bin/ruff check src tests bench
.venv/bin/ruff format --check src tests bench
echo "== mypy"
.venv/bin/mypy
echo "== pytest"
set +e
.venv/bin/python -m pytest -m "" -q -p no:cacheprovider "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests: failing on purpose" >&2
  exit 1
fi
exit "$status"
