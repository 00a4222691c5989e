#!/usr/bin/env bash
# The browser tests drive Debian's Chromium through Playwright; nothing else is downloaded.
# They prefer Debian's chromium-headless-shell (the same release, built as the headless shell
# Playwright itself uses, and cheaper to run: decision 0032) and fall back to chromium.
set -eu
if [ -x /usr/bin/chromium-headless-shell ]; then exit 0; fi
if [ "$(id -u)" = 0 ]; then
  echo "Installing Debian's chromium-headless-shell for the browser tests..."
  apt-get update -qq >/dev/null
  if DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium-headless-shell >/dev/null; then
    exit 0
  fi
  echo "chromium-headless-shell could not be installed; installing chromium instead." >&2
  [ -x /usr/bin/chromium ] || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
elif [ -x /usr/bin/chromium ]; then
  echo "The browser tests run on Debian's chromium; chromium-headless-shell runs them faster:" \
    "sudo apt-get install -y chromium-headless-shell" >&2
else
  echo "The browser tests need Debian's Chromium. Install it with:" \
    "sudo apt-get install -y chromium-headless-shell" >&2
  exit 1
fi
