#!/usr/bin/env bash
# The browser tests, locally, in one command (from anywhere):
#   bash tests/browser/run.sh                              # everything
#   bash tests/browser/run.sh --test-name-pattern=Randers  # some scenarios (node --test options)
# Needs Debian's chromium and a Java runtime (`.ci/browser` installs them when missing).
# INFOHUS_BIN=path/to/infohus skips `cargo build`; CHROMIUM_PATH overrides /usr/bin/chromium.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  echo "tests/browser: no Chromium at ${CHROMIUM_PATH:-/usr/bin/chromium}; apt-get install -y chromium" >&2
  exit 1
fi
if ! command -v java >/dev/null 2>&1; then
  echo "tests/browser: no java for the W3C Nu checker; apt-get install -y default-jre-headless" >&2
  exit 1
fi
# The Node packages, from the committed lock file (vnu-jar's install script only downloads
# things we do not need: it runs on the machine's Java).
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --ignore-scripts --no-audit --no-fund
fi
# The identity provider the single sign-on scenarios log in through (tests/oidc).
if [ ! -f ../oidc/node_modules/.package-lock.json ] || [ ../oidc/package-lock.json -nt ../oidc/node_modules/.package-lock.json ]; then
  npm ci --prefix ../oidc --ignore-scripts --no-audit --no-fund
fi

exec node --test --test-reporter=spec --test-concurrency=1 "$@" run.test.mjs
