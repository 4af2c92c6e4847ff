"""How the project starts Debian's headless Chromium (browser tests and site screenshots).

Playwright cannot download its own browser here; `scripts/install-chromium.sh` installs Debian's.
The flags keep Chromium off the network, which this machine closes anyway.
"""

from __future__ import annotations

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
