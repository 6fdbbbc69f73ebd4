#!/usr/bin/env bash
# Install what the tests need: the Python packages, Debian's Chromium for the browser tests, and openssl
# for the certificates of the TLS probe tests.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
if [ ! -x /usr/bin/chromium ] || ! command -v openssl >/dev/null; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium fonts-dejavu-core openssl >/dev/null
fi
