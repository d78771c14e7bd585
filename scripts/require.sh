#!/usr/bin/env bash
# What `make` needs from the system, checked before it builds anything, in one line naming
# what is missing and the command that installs it. Fonts are not among them: PDFs and pages
# print in the Noto Sans SC that `make assets` installs from package-lock.json.
#   scripts/require.sh demo   npm (front-end assets and the font) and Pango (WeasyPrint's PDFs)
#   scripts/require.sh test   the same, plus Debian's Chromium for the browser tests
set -u
missing=()
command -v npm >/dev/null || missing+=(npm)
{ ldconfig -p || /sbin/ldconfig -p; } 2>/dev/null | grep -q "libpangoft2-1.0" ||
  missing+=(libpango-1.0-0 libpangoft2-1.0-0)
if [ "${1:-}" = test ]; then
  [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || command -v chromium >/dev/null || missing+=(chromium)
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "缺少 ${missing[*]}，请先安装：sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
