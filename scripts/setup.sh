#!/usr/bin/env bash
# Installs the Debian packages SecondLine needs (when missing). Safe to run again.
set -euo pipefail
packages=(libtesseract-dev libleptonica-dev tesseract-ocr-eng tesseract-ocr-chi-sim tesseract-ocr-script-hans tesseract-ocr-chi-tra tesseract-ocr-osd
          poppler-utils libsqlite3-dev pkg-config)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
command -v swift >/dev/null || { echo "setup: Swift 6 is needed (swift.org/install); 'swift' is not on PATH" >&2; exit 1; }
