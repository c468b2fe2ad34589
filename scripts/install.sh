#!/usr/bin/env bash
# Install daliz and everything it needs into ./.venv (Python ≥ 3.11 from the base machine).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[roads]'
# Compile the corridor road graph once (cached under ~/.cache/daliz/roads): door-to-door plans
# from coordinates then start in well under a second.
.venv/bin/daliz roads prepare --region corridor >/dev/null
echo "daliz installed in .venv — try: .venv/bin/daliz --help"
