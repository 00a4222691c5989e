#!/usr/bin/env bash
# The browser tests drive Debian's Chromium through Playwright; nothing else is downloaded.
set -eu
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" = 0 ]; then
  echo "Installing Debian's chromium for the browser tests..."
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
else
  echo "The browser tests need Debian's Chromium. Install it with: sudo apt-get install -y chromium" >&2
  exit 1
fi
