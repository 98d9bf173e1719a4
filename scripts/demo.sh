#!/usr/bin/env bash
# Set up beslut, ingest the sample corpus and answer a Swedish query.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export BESLUT_HOME="${BESLUT_HOME:-$PWD/.beslut-demo}"
set -x
.venv/bin/beslut ingest sample/
.venv/bin/beslut search "Södertörns högskola"
.venv/bin/beslut status
