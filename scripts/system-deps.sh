#!/usr/bin/env bash
# Debian packages Loa needs. `run`: fonts with every Vietnamese letter, pango for PDFs, gettext
# for the catalogues, Tesseract with its Vietnamese and orientation data and poppler (pdftoppm,
# pdfinfo) to read photos and scans of paper forms. `test`: also Chromium for the browser tests,
# zbar to read files back, and the production parts the tests check or start (nginx, openssl for
# certificates, PostgreSQL's client tools for backups), and npm (axe-core) unless Node.js is there.
set -euo pipefail
want=(gettext fonts-liberation2 libpango-1.0-0 libpangoft2-1.0-0 fontconfig
      tesseract-ocr tesseract-ocr-vie tesseract-ocr-osd poppler-utils)
if [ "${1:-run}" = "test" ]; then
  want+=(chromium zbar-tools nginx openssl postgresql-client)
  # npm installs axe-core for the phone crawl's accessibility check; a machine with its own Node.js
  # (not Debian's) keeps it.
  command -v npm >/dev/null || want+=(nodejs npm)
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
