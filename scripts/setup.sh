#!/usr/bin/env bash
# Installs what this project needs on a Debian machine that has only the Swift toolchain, and nothing when all of it
# is there already (so it is quick, and needs no root, on a machine that was set up once).
#   scripts/setup.sh          what building and running the programs needs (scripts/demo.sh calls this)
#   scripts/setup.sh --tests  and what the tests drive: PostgreSQL, Chromium and its driver, LibreOffice, poppler,
#                             zbar, openssl, and from PyPI Selenium, openpyxl and schemathesis (scripts/test.sh)
# Not root and something missing: it stops at once and names the one command to run.
set -euo pipefail
cd "$(dirname "$0")/.."

# Building: SQLite (GRDB), libcurl (the village's sync transport), libssl-dev (libcrypto: the carried files' HMAC),
# zlib (ZIPFoundation, .xlsx), libqrencode (the county's declaration poster); pkg-config finds the system libraries.
build=(libsqlite3-dev libcurl4-openssl-dev libssl-dev zlib1g-dev libqrencode-dev pkg-config)
# Testing: PostgreSQL (the county's second store, a throwaway cluster per run), Chromium, its driver and a CJK font
# (the pages and printed documents in a real browser), LibreOffice Calc (spreadsheet round trips), poppler-utils
# (pdfinfo, pdftotext on printed PDFs), zbar-tools (decodes the poster's QR code), openssl (the TLS test's
# certificate), sqlite3 (the tests read databases as an auditor would).
tests=(postgresql chromium chromium-driver fonts-noto-cjk libreoffice-calc-nogui poppler-utils zbar-tools openssl sqlite3)
# PyPI, by major version: schemathesis's command line and configuration change between majors.
pypi=("selenium>=4,<5" "openpyxl>=3,<4" "schemathesis>=4,<5")

wanted=("${build[@]}")
with_tests=false
[ "${1:-}" = --tests ] && with_tests=true && wanted+=("${tests[@]}")

missing=()
for name in "${wanted[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$name" 2>/dev/null || true)
    [ "$status" = installed ] || missing+=("$name")
done
missing_pypi=()
if $with_tests; then
    for requirement in "${pypi[@]}"; do
        name=${requirement%%>=*}
        major=${requirement#*>=}
        major=${major%%,*}
        have=$(python3 -c "import importlib.metadata as m; print(m.version('$name').split('.')[0])" 2>/dev/null || true)
        [ "$have" = "$major" ] || missing_pypi+=("$requirement")
    done
fi
[ ${#missing[@]} -eq 0 ] && [ ${#missing_pypi[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
    echo "missing: ${missing[*]} ${missing_pypi[*]}; run: sudo $0 ${1:-}" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if [ ${#missing[@]} -gt 0 ]; then
    echo "== setup: apt-get install ${missing[*]} =="
    apt-get update -qq
    # No recommends: LibreOffice and Chromium would otherwise bring a desktop's worth of packages.
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [ ${#missing_pypi[@]} -gt 0 ]; then
    echo "== setup: pip install ${missing_pypi[*]} =="
    PIP_ROOT_USER_ACTION=ignore python3 -m pip install -q --disable-pip-version-check "${missing_pypi[@]}"
fi

