#!/usr/bin/env bash
# Installs the benchmark's peers beside the project, not into it:
#   bench/.venv   - Python venv with LinkChecker, httpx (the plain-httpx baseline) and uvloop
#                   (used by bench/server.py when present)
#   bench/.peers  - npm prefix with linkinator 7.6.1 (8.x needs a newer Node than 20)
# Re-running is cheap: pip and npm skip what is already there.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
python="${PYTHON:-python3}"

if [ ! -x "$here/.venv/bin/python" ]; then
  "$python" -m venv "$here/.venv"
fi
"$here/.venv/bin/pip" install -q --upgrade pip
"$here/.venv/bin/pip" install -q 'linkchecker==10.6.0' 'httpx==0.28.1' uvloop \
  || { echo "setup: uvloop or a pin failed; retrying without uvloop" >&2;
       "$here/.venv/bin/pip" install -q 'linkchecker==10.6.0' 'httpx==0.28.1'; }

if command -v npm >/dev/null 2>&1; then
  npm install --silent --no-audit --no-fund --prefix "$here/.peers" linkinator@7.6.1
else
  echo "setup: npm not found; the linkinator row will be skipped (apt-get install nodejs npm)" >&2
fi

echo "setup: done"
"$here/.venv/bin/linkchecker" --version 2>/dev/null | head -1 || true
[ -x "$here/.peers/node_modules/.bin/linkinator" ] && echo "linkinator $(cd "$here/.peers" && node -p 'JSON.parse(require("fs").readFileSync("node_modules/linkinator/package.json")).version')" || true
