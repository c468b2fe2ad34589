#!/usr/bin/env bash
# Debian packages the tests need (browser, database, PDF tools, fonts, load generator). Installs only what is
# missing; needs root (CI and the dev machines run as root).
set -euo pipefail
want=()
command -v chromium >/dev/null 2>&1 || want+=(chromium)
command -v pdftoppm >/dev/null 2>&1 || want+=(poppler-utils)
[ -x /usr/lib/postgresql/15/bin/postgres ] || ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || want+=(postgresql)
fc-list 2>/dev/null | grep -qi "Noto Naskh Arabic" || want+=(fonts-noto-core)
fc-list 2>/dev/null | grep -qi "DejaVu Sans" || want+=(fonts-dejavu-core)
command -v wrk >/dev/null 2>&1 || want+=(wrk)  # load generator of bench/load_service.py
if [ ${#want[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "system-deps: missing ${want[*]}; run as root or install them with apt-get" >&2
  exit 0
fi
echo "== apt-get install ${want[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null
