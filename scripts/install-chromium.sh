#!/bin/sh
# Debian's Chromium for the site browser test and screenshots (Playwright cannot download its own here).
set -eu
command -v chromium >/dev/null 2>&1 || (apt-get update && apt-get install -y chromium)
