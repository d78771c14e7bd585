"""Copy front-end assets from node_modules into our static files and compile
translations (.po → .mo) with polib, so no gettext tools are needed."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "src" / "villageaid" / "static" / "vendor"
ASSETS = {
    "bootstrap/bootstrap.min.css": "bootstrap/dist/css/bootstrap.min.css",
    "bootstrap/bootstrap.bundle.min.js": "bootstrap/dist/js/bootstrap.bundle.min.js",
    "htmx/htmx.min.js": "htmx.org/dist/htmx.min.js",
    "echarts/echarts.min.js": "echarts/dist/echarts.min.js",
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


def compile_messages() -> None:
    for po_path in (ROOT / "src" / "villageaid").rglob("locale/*/LC_MESSAGES/*.po"):
        polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))


if __name__ == "__main__":
    copy_assets()
    compile_messages()
    print("assets and translations built")
