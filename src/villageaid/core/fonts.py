"""The one font every PDF and chart prints with: Noto Sans SC, shipped with the project.

The files come from the pinned npm package ``@expo-google-fonts/noto-sans-sc`` (SIL OFL,
licence in ``static/vendor/fonts/OFL.txt``) and are copied by ``scripts/build_assets.py``
(``make assets``). PDFs register them through ``@font-face`` (:mod:`villageaid.core.pdf`),
so a server with no system font at all still prints every glyph; browsers get the same
family from ``vendor/fonts/fonts.css``, preferring a CJK font the device already has.

Imports nothing from Django: the asset build and the PDF subprocess tests load it bare.
"""

from __future__ import annotations

from pathlib import Path

FAMILY = "VillageAid Sans"
FONT_DIR = Path(__file__).resolve().parent.parent / "static" / "vendor" / "fonts"
# CSS font-weight → file in FONT_DIR.
FACES = {400: "NotoSansSC-Regular.ttf", 700: "NotoSansSC-Bold.ttf"}
# Fonts a device may already have, tried before the browser downloads ours (~10 MB).
LOCAL_NAMES = {
    400: ("Noto Sans CJK SC", "NotoSansCJKsc-Regular", "Noto Sans SC", "Source Han Sans SC",
          "SourceHanSansSC-Regular", "PingFang SC", "PingFangSC-Regular", "Microsoft YaHei"),
    700: ("Noto Sans CJK SC Bold", "NotoSansCJKsc-Bold", "Noto Sans SC Bold",
          "SourceHanSansSC-Bold", "PingFangSC-Semibold", "Microsoft YaHei Bold"),
}  # fmt: skip
# The stack pages and charts use: the device's own CJK fonts, then ours.
STACK = (
    'system-ui, -apple-system, "Segoe UI", Roboto, "PingFang SC", "Microsoft YaHei", '
    f'"Noto Sans CJK SC", "{FAMILY}", sans-serif'
)


def paths() -> list[Path]:
    return [FONT_DIR / name for name in FACES.values()]


def installed() -> bool:
    """False only on a broken install (``make assets`` not run or the files removed)."""
    return all(path.is_file() and path.stat().st_size > 1_000_000 for path in paths())


def pdf_css() -> str:
    """@font-face rules for WeasyPrint, and every element printed in that family."""
    faces = "".join(
        f'@font-face {{ font-family: "{FAMILY}"; font-weight: {weight}; '
        f'src: url("{(FONT_DIR / name).as_uri()}"); }}\n'
        for weight, name in FACES.items()
    )
    every = "html, html *, html *::before, html *::after, html *::marker"
    return f'{faces}{every} {{ font-family: "{FAMILY}" !important; }}\n'


def browser_css() -> str:
    """The sheet written to ``static/vendor/fonts/fonts.css`` (URLs relative to it)."""
    faces = "".join(
        f'@font-face {{ font-family: "{FAMILY}"; font-weight: {weight}; font-display: swap; '
        f"src: {_local(weight)}, url({name}) format('truetype'); }}\n"
        for weight, name in FACES.items()
    )
    return f"{faces}:root {{ --bs-body-font-family: {STACK}; --va-chart-font: {STACK}; }}\n"


def _local(weight: int) -> str:
    return ", ".join(f'local("{name}")' for name in LOCAL_NAMES[weight])


def fontconfig_file(folder: Path) -> Path:
    """A fontconfig configuration listing only the shipped font, written into ``folder``.

    For programs that take their fonts from fontconfig alone (the browser the tests drive:
    its own interface text aborts it where fontconfig lists no font at all)."""
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        f"<fontconfig><dir>{FONT_DIR}</dir><cachedir>{folder / 'cache'}</cachedir></fontconfig>\n",
        encoding="utf-8",
    )
    return config
