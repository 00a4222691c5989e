#!/usr/bin/env bash
# The browser tests drive Debian's Chromium through Playwright; nothing else is downloaded.
# They prefer Debian's chromium-headless-shell (the same release, built as the headless shell
# Playwright itself uses, and cheaper to run: decision 0032) and fall back to chromium.
set -u
shell=/usr/bin/chromium-headless-shell
full=/usr/bin/chromium
if [ -x "$shell" ]; then exit 0; fi
install() {
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
if [ "$(id -u)" = 0 ]; then
  echo "Installing Debian's chromium-headless-shell for the browser tests..."
  install chromium-headless-shell && exit 0
  if [ -x "$full" ]; then
    echo "chromium-headless-shell could not be installed: the browser tests run on chromium." >&2
    exit 0
  fi
  echo "chromium-headless-shell could not be installed; installing chromium instead." >&2
  install chromium && exit 0
  echo "Neither chromium-headless-shell nor chromium could be installed." >&2
  exit 1
fi
if [ -x "$full" ]; then
  echo "The browser tests run on Debian's chromium; chromium-headless-shell runs them faster:" \
    "sudo apt-get install -y chromium-headless-shell" >&2
  exit 0
fi
echo "The browser tests need Debian's Chromium. Install it with:" \
  "sudo apt-get install -y chromium-headless-shell" >&2
exit 1
