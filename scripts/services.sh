#!/usr/bin/env bash
# Start the local services the tests use when this machine has them installed
# but they are not running (PostgreSQL, Mosquitto). Never fatal: the tests
# themselves report a missing service.
set -u
up() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if ! up 5432 && command -v pg_ctlcluster >/dev/null; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
fi
if ! up 1883 && command -v mosquitto >/dev/null; then
  mosquitto -d -c /etc/mosquitto/mosquitto.conf || true
fi
# As root (CI), install what scripts/require.sh checks for: Debian's Chromium for the browser
# tests and Pango for WeasyPrint. No system font: the CJK font comes from package-lock.json.
need=()
command -v chromium >/dev/null || need+=(chromium)
ldconfig -p 2>/dev/null | grep -q "libpangoft2-1.0" || need+=(libpango-1.0-0 libpangoft2-1.0-0)
if [ ${#need[@]} -gt 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null) || true
fi
exit 0
