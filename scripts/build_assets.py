"""Copy the front-end assets from node_modules into allied/static/vendor.

Returns nothing; exits non-zero with a message when `npm ci` has not been run. The NHS.UK
stylesheet loads the Frutiger web fonts from assets.nhs.uk; we drop those @font-face rules
so that no page makes a request to a third party (the design system falls back to Arial),
and point its image URLs at our own copy of its assets.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES = ROOT / "node_modules"
OUT = ROOT / "allied" / "web" / "static" / "vendor"


def main() -> int:
    nhsuk = MODULES / "nhsuk-frontend" / "dist" / "nhsuk"
    if not nhsuk.is_dir():
        print("node_modules/nhsuk-frontend is missing: run `npm ci` first.", file=sys.stderr)
        return 1
    if OUT.exists():
        shutil.rmtree(OUT)
    (OUT / "nhsuk").mkdir(parents=True)
    css = (nhsuk / "nhsuk-frontend.min.css").read_text(encoding="utf-8")
    css = re.sub(r"@font-face\{[^}]*assets\.nhs\.uk[^}]*\}", "", css)
    css = css.replace("url(/assets/", "url(assets/")
    if "assets.nhs.uk" in css:
        print("The NHS.UK stylesheet still refers to assets.nhs.uk.", file=sys.stderr)
        return 1
    (OUT / "nhsuk" / "nhsuk-frontend.min.css").write_text(css, encoding="utf-8")
    shutil.copy(nhsuk / "nhsuk-frontend.min.js", OUT / "nhsuk" / "nhsuk-frontend.min.js")
    shutil.copytree(nhsuk / "assets", OUT / "nhsuk" / "assets")
    shutil.copy(MODULES / "htmx.org" / "dist" / "htmx.min.js", OUT / "htmx.min.js")
    shutil.copy(MODULES / "axe-core" / "axe.min.js", OUT / "axe.min.js")
    print(f"Front-end assets built in {OUT.relative_to(ROOT)}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
