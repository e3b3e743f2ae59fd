"""Copy the front-end packages from node_modules into static/vendor/.

Core Branding's stylesheet pulls normalize.css and the Antwerpen fonts from CDNs. The intranet page
must never load anything from the internet, and the fonts' licence forbids redistributing them, so
the external @import is replaced by the npm copy of normalize.css and the @font-face rules that
point outside are dropped: the CSS falls back to system fonts.

Only the packages of package.json's "dependencies" are built: production installs them with
`npm ci --omit=dev`, and the test-only packages ("devDependencies", such as axe-core) are read by
the tests from node_modules, never served by the app (config/checks.py refuses them in production).
"""

import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "node_modules"
VENDOR = ROOT / "static" / "vendor"

EXTERNAL_IMPORT = re.compile(r"@import\s+url\(\s*[\"']?https?://[^)]*\)\s*;")
FONT_FACE = re.compile(r"@font-face\s*\{[^}]*\}")
EXTERNAL_URL = re.compile(r"url\(\s*[\"']?(https?:)?//", re.IGNORECASE)
# The package's source map is not shipped: the reference would break `collectstatic`'s manifest.
SOURCE_MAP = re.compile(r"/\*#\s*sourceMappingURL=[^*]*\*/")


def strip_external(css: str) -> str:
    css = EXTERNAL_IMPORT.sub("", css)
    css = SOURCE_MAP.sub("", css)
    css = FONT_FACE.sub(lambda m: "" if EXTERNAL_URL.search(m.group(0)) else m.group(0), css)
    leftover = EXTERNAL_URL.search(css)
    if leftover:
        context = css[max(0, leftover.start() - 80) : leftover.end() + 80]
        raise SystemExit(f"An external URL is left in the stylesheet: ...{context}...")
    return css


def main() -> int:
    if not NODE.exists():
        print("node_modules is missing: run `npm ci` first.", file=sys.stderr)
        return 1
    if VENDOR.exists():
        shutil.rmtree(VENDOR)
    (VENDOR / "core-branding").mkdir(parents=True)
    (VENDOR / "normalize").mkdir()
    core = (NODE / "@a-ui/core/dist/main.min.css").read_text(encoding="utf-8")
    (VENDOR / "core-branding/main.min.css").write_text(strip_external(core), encoding="utf-8")
    shutil.copy(NODE / "@a-ui/core/LICENSE.md", VENDOR / "core-branding/LICENSE.md")
    # The city's logo for Core Branding's header (o-header__logo): this is the city's own intranet
    # application, used under the city's branding guidelines (docs/design.md).
    shutil.copy(NODE / "@a-ui/core/dist/assets/images/a-logo.svg", VENDOR / "core-branding/a-logo.svg")
    shutil.copy(NODE / "normalize.css/normalize.css", VENDOR / "normalize/normalize.css")
    shutil.copy(NODE / "normalize.css/LICENSE.md", VENDOR / "normalize/LICENSE.md")
    print(f"Front-end assets written to {VENDOR.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
