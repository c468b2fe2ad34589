#!/usr/bin/env bash
# Catalogs: extract → update → compile → check (Babel's pybabel), for both domains:
#   daliz       messages of the code (_(), N_(), gettext_(), ngettext_() in src/daliz)
#   daliz_data  English texts of the bundled dataset without a column per language
# New or changed messages arrive in the .po files with an empty translation (or marked fuzzy
# when Babel guesses one): translate them in src/daliz/locale/{kk,ru,ur}/LC_MESSAGES/*.po and
# run this again. `check` lists what is still missing; tests/i18n fails on the same.
#   scripts/i18n.sh            extract, update, compile, check
#   scripts/i18n.sh check      only check
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
PYBABEL=${PYBABEL:-.venv/bin/pybabel}
LOCALE=src/daliz/locale
LANGS=(kk ru ur)

if [ "${1:-}" = "check" ]; then
  exec "$PY" -m daliz.i18n_tools check
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "== extract"
"$PYBABEL" -q extract -F babel.cfg --no-default-keywords \
  -k _ -k N_ -k gettext_ -k ngettext_:1,2 -k pgettext_:1c,2 \
  --project daliz --copyright-holder "daliz developers" -w 100 \
  -o "$tmp/daliz.pot" src/daliz
"$PY" -m daliz.i18n_tools extract "$tmp/data" >/dev/null
cp "$tmp/data/daliz_data.pot" "$tmp/daliz_data.pot"

echo "== update"
for domain in daliz daliz_data; do
  for lang in "${LANGS[@]}"; do
    po="$LOCALE/$lang/LC_MESSAGES/$domain.po"
    if [ -f "$po" ]; then
      "$PYBABEL" -q update -D "$domain" -l "$lang" -i "$tmp/$domain.pot" -d "$LOCALE" -w 100 \
        --ignore-obsolete
    else
      "$PYBABEL" -q init -D "$domain" -l "$lang" -i "$tmp/$domain.pot" -d "$LOCALE" -w 100
    fi
  done
done

echo "== compile"
for domain in daliz daliz_data; do
  "$PYBABEL" -q compile -D "$domain" -d "$LOCALE" --statistics || true
done

echo "== check"
"$PY" -m daliz.i18n_tools check
