#!/bin/sh
# Debian's Chromium for the site browser test and screenshots (Playwright cannot download its own here).
set -eu
if ! command -v chromium >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium
fi
