#!/usr/bin/env bash
# Debian packages Loa needs. `run`: fonts with every Vietnamese letter, pango for PDFs, gettext
# for the catalogues. `test`: also Chromium for the browser tests, poppler (pdftotext, pdffonts,
# pdftoppm) and zbar to read files back, and the production parts the tests check or start
# (nginx, openssl for certificates, PostgreSQL's client tools for backups).
set -euo pipefail
want=(gettext fonts-liberation2 libpango-1.0-0 libpangoft2-1.0-0 fontconfig)
if [ "${1:-run}" = "test" ]; then
  want+=(chromium poppler-utils zbar-tools nginx openssl postgresql-client)
fi
missing=()
for pkg in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing Debian packages: ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO="sudo"; else
  echo "Please install as root: apt-get install ${missing[*]}" >&2; exit 1; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
