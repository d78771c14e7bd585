"""HTML → PDF with WeasyPrint, printed only in the shipped font (:mod:`villageaid.core.fonts`).

The font is registered through ``@font-face`` from the file in our static files, never
looked up in the system's font configuration: a server with no fonts at all (fontconfig
pointed at an empty configuration) renders the same PDF. WeasyPrint embeds only the
glyphs the document uses, so a one-page notice stays small.
"""

from __future__ import annotations

import warnings

from villageaid.core import fonts


class FontMissing(RuntimeError):
    """The shipped font files are not there: a broken install (``make assets``)."""


def font_missing_message() -> str:
    from django.utils.translation import gettext

    return gettext("服务器缺少中文字体（安装不完整，请运行 make assets），暂不能生成 PDF。")


def html_to_pdf(html: str, *, base_url: str | None = None) -> bytes:
    if not fonts.installed():
        raise FontMissing(str(fonts.FONT_DIR))
    with warnings.catch_warnings():  # "No fonts configured" on import: ours come below
        warnings.filterwarnings("ignore", "No fonts configured", UserWarning)
        from weasyprint import CSS, HTML
        from weasyprint.text.fonts import FontConfiguration

        font_config = FontConfiguration()
    sheet = CSS(string=fonts.pdf_css(), font_config=font_config)
    document = HTML(string=html, base_url=base_url)
    return bytes(document.write_pdf(stylesheets=[sheet], font_config=font_config))
