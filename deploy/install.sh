#!/usr/bin/env bash
# deploy/install.sh: build this release for production and bring its database up to date.
#
# Run as root from the release folder (/srv/gedragscode), after the environment file exists
# (docs/operations.md, "Install" and "Upgrade"). The same steps, in this order, for a first install
# and for every upgrade; each is safe to repeat:
#   1. the virtualenv with the runtime dependencies only (requirements.txt, hashes checked)
#   2. the front-end assets from npm without the test-only packages, built into static/vendor
#   3. the app's own catalogues (locale/), not the virtualenv's
#   4. collectstatic into staticfiles/ (the hashed names the pages link)
#   5. migrate, as the app's database role
#   6. check --deploy: the settings, and that the assets are built and collected
# The build writes only inside the release folder, as root; the database steps run as the app's
# user through gedragscode-manage, with the one environment file.
set -euo pipefail

home=${GEDRAGSCODE_HOME:-/srv/gedragscode}
cd "$home"
manage=("$home/deploy/gedragscode-manage")
step() { printf '\n==> %s\n' "$*"; }

# Django 6.1 needs Python >= 3.12.
python=${PYTHON:-}
if [ -z "$python" ]; then
  for candidate in python3.13 "$HOME"/.pyenv/versions/3.13*/bin/python3 python3.12 "$HOME"/.pyenv/versions/3.12*/bin/python3 python3; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
      python=$candidate
      break
    fi
  done
fi
[ -n "$python" ] || { echo "No Python >= 3.12 found (set PYTHON=/path/to/python3.12)." >&2; exit 1; }

step "1. Runtime dependencies (requirements.txt) into $home/.venv"
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements.txt

step "2. Front-end assets: npm packages without the test-only ones, built into static/vendor"
npm ci --omit=dev --no-audit --no-fund --silent
.venv/bin/python scripts/build_assets.py

step "3. The app's catalogues (locale/ only)"
GEDRAGSCODE_USER=root "${manage[@]}" compilemessages --ignore=.venv --ignore=node_modules --ignore=staticfiles -v 0

step "4. Static files collected (hashed names, compressed)"
GEDRAGSCODE_USER=root "${manage[@]}" collectstatic --noinput -v 0

step "5. Database migrations (as the app's role)"
# A migration that has to wait for a table lock gives up after 10 s instead of queueing every
# request behind it (docs/operations.md, "Upgrade"); run it again in a quieter moment.
"${manage[@]}" --exec env PGOPTIONS="-c lock_timeout=10s" "$home/.venv/bin/python" "$home/manage.py" migrate --noinput

step "6. Deploy checks"
"${manage[@]}" check --deploy --fail-level WARNING

echo
echo "Release built in $home. Restart the services: systemctl restart gedragscode-web gedragscode-worker"
