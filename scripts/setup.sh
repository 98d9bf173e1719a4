#!/usr/bin/env bash
# Set up beslut on Debian: the system packages it needs, then a virtualenv in .venv.
#   bash scripts/setup.sh          # to run beslut
#   bash scripts/setup.sh test     # also the test dependencies
# Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

SYSTEM_PACKAGES=(
  python3 python3-venv          # Python 3.11 on Debian 12
  tesseract-ocr tesseract-ocr-swe tesseract-ocr-eng  # OCR with the Swedish model
  hunspell-sv libhunspell-dev   # Swedish lexicon for repair, and what its Python binding builds on
  gcc python3-dev               # to build that binding
  fonts-dejavu-core             # fonts for the sample and test PDFs
  fonts-liberation2             # Times- and Arial-like faces for the repair benchmark's page images
)

missing=()
for package in "${SYSTEM_PACKAGES[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "Installing system packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
extras="${1:-}"
echo "Installing beslut${extras:+ with its $extras dependencies} into .venv"
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".${extras:+[$extras]}" \
  2> >(grep -v "^WARNING: Location .* is ignored" >&2)
