"""Copy front-end assets from node_modules into our static files, write the browser's
font-face sheet and compile translations (.po → .mo) with polib, so no gettext tools
or system fonts are needed."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "src" / "villageaid" / "static" / "vendor"
NOTO_SC = "@expo-google-fonts/noto-sans-sc"
ASSETS = {
    "bootstrap/bootstrap.min.css": "bootstrap/dist/css/bootstrap.min.css",
    "bootstrap/bootstrap.bundle.min.js": "bootstrap/dist/js/bootstrap.bundle.min.js",
    "htmx/htmx.min.js": "htmx.org/dist/htmx.min.js",
    "echarts/echarts.min.js": "echarts/dist/echarts.min.js",
    # Noto Sans SC (OFL) for PDFs and charts: villageaid.core.fonts names these files.
    "fonts/NotoSansSC-Regular.ttf": f"{NOTO_SC}/400Regular/NotoSansSC_400Regular.ttf",
    "fonts/NotoSansSC-Bold.ttf": f"{NOTO_SC}/700Bold/NotoSansSC_700Bold.ttf",
    "fonts/OFL.txt": f"{NOTO_SC}/LICENSE_FONT",
}


def copy_assets() -> None:
    modules = ROOT / "node_modules"
    for target, source in ASSETS.items():
        src = modules / source
        if not src.exists():
            sys.exit(f"missing {src}: run `npm ci` first")
        dst = STATIC / target
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dst)


def write_font_css() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    from villageaid.core import fonts

    (STATIC / "fonts" / "fonts.css").write_text(fonts.browser_css(), encoding="utf-8")


def compile_messages() -> None:
    for po_path in (ROOT / "src" / "villageaid").rglob("locale/*/LC_MESSAGES/*.po"):
        polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))


if __name__ == "__main__":
    copy_assets()
    write_font_css()
    compile_messages()
    print("assets and translations built")
