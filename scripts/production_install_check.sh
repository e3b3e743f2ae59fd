#!/usr/bin/env bash
# scripts/production_install_check.sh: install the app exactly as docs/operations.md says, into a
# clean folder, and use it through nginx. Run by CI (.ci/run); about two minutes.
#
#   - a private PostgreSQL cluster with the app's own role and database (never the shared server);
#   - the release copied from this checkout (tracked files only: no .venv, node_modules or builds);
#   - the environment file made from deploy/gedragscode.env.example;
#   - deploy/install.sh (runtime dependencies, assets without test-only packages, the app's
#     catalogues, collectstatic, migrate, check --deploy), then the first beheerder as documented;
#   - the app server started with the ExecStart line of deploy/systemd/gedragscode-web.service, the
#     task worker with its unit's, nginx with deploy/nginx/gedragscode.conf (TLS with a throw-away
#     certificate), and scripts/production_probe.py using them;
#   - the units checked by `systemd-analyze verify`;
#   - the install without its built assets: check and the app server refuse it, loudly.
# Paths and ports are the only things changed from the shipped files.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
host=gedragscode.antwerpen.be
pg_port=${CHECK_PG_PORT:-55433}
app_port=${CHECK_APP_PORT:-18000}
http_port=${CHECK_HTTP_PORT:-18080}
https_port=${CHECK_HTTPS_PORT:-18443}

work=$(mktemp -d /tmp/gedragscode-install.XXXXXX)
chmod 755 "$work"
release=$work/srv/gedragscode
etc=$work/etc/gedragscode
env_file=$etc/gedragscode.env
pids=()
step() { printf '\n--> %s\n' "$*"; }
fail() { echo "PRODUCTION INSTALL CHECK FAILED: $*" >&2; exit 1; }

cleanup() {
  for pid in "${pids[@]}"; do kill -- "-$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  [ -f "$work/nginx/nginx.pid" ] && nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -s stop 2>/dev/null || true
  "$repo/scripts/private_postgres.sh" stop "$work/pg" "$pg_port" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# The shipped files with only this check's paths and ports.
localise() {
  sed -e "s#/srv/gedragscode#$release#g" -e "s#/etc/gedragscode/gedragscode.env#$env_file#g" \
    -e "s#/var/lib/gedragscode#$work/var#g" -e "s#127.0.0.1:8000#127.0.0.1:$app_port#g" "$1"
}
exec_start() { localise "$1" | sed -n 's/^ExecStart=//p'; }
manage() { GEDRAGSCODE_HOME=$release GEDRAGSCODE_ENV_FILE=$env_file GEDRAGSCODE_USER=root "$release/deploy/gedragscode-manage" "$@"; }
# In the background, as its own process group (the PID in $! is the program's: every step execs).
start_service() {
  local log=$1
  shift
  GEDRAGSCODE_HOME=$release GEDRAGSCODE_ENV_FILE=$env_file GEDRAGSCODE_USER=root \
    exec "$release/deploy/gedragscode-manage" --exec setsid "$@" >"$log" 2>&1
}
wait_for_port() {
  for _ in $(seq 1 60); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.5
  done
  return 1
}

step "A clean folder with this release (tracked files only)"
mkdir -p "$release" "$etc" "$work/var/private"
git -C "$repo" ls-files -z --cached --others --exclude-standard |
  tar -C "$repo" --null -T - --ignore-failed-read -cf - 2>/dev/null | tar -C "$release" -xf -
[ ! -e "$release/.venv" ] && [ ! -e "$release/node_modules" ] && [ ! -e "$release/static/vendor" ] ||
  fail "the copied release is not clean"

step "Database: PostgreSQL with the app's own role and database (private cluster on port $pg_port)"
"$repo/scripts/private_postgres.sh" start "$work/pg" "$pg_port"
psql -q -h 127.0.0.1 -p "$pg_port" -U postgres -v ON_ERROR_STOP=1 \
  -c "CREATE ROLE gedragscode LOGIN PASSWORD 'install-check'" -c "CREATE DATABASE gedragscode OWNER gedragscode"

step "The environment file, from deploy/gedragscode.env.example"
secret=$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')
sed -e "s#^SECRET_KEY=.*#SECRET_KEY=$secret#" \
  -e "s#^DATABASE_URL=.*#DATABASE_URL=postgres://gedragscode:install-check@127.0.0.1:$pg_port/gedragscode#" \
  -e "s#^CACHE_URL=.*#CACHE_URL=#" -e "s#^EMAIL_HOST=.*#EMAIL_HOST=127.0.0.1#" -e "s#^EMAIL_PORT=.*#EMAIL_PORT=1#" \
  -e "s#^SSO_TRUSTED_HEADER=.*#SSO_TRUSTED_HEADER=X-Remote-User#" \
  -e "s#^PRIVATE_MEDIA_ROOT=.*#PRIVATE_MEDIA_ROOT=$work/var/private#" \
  "$release/deploy/gedragscode.env.example" >"$env_file"
grep -q '^DJANGO_ENV=production$' "$env_file" || fail "the example environment file does not say production"

step "deploy/install.sh"
started=$SECONDS
GEDRAGSCODE_HOME=$release GEDRAGSCODE_ENV_FILE=$env_file GEDRAGSCODE_USER=root "$release/deploy/install.sh"

echo "(install: $((SECONDS - started)) s)"

step "What the install holds: runtime packages, no test-only ones, the app's catalogues only"
if "$release/.venv/bin/python" -m pip list --format=freeze 2>/dev/null | grep -iE '^(pytest|playwright|hypothesis|ruff|bandit)=='; then
  fail "test packages in the production virtualenv"
fi
[ ! -e "$release/node_modules/axe-core" ] || fail "npm installed a test-only package (axe-core)"
[ ! -e "$release/static/vendor/axe-core" ] && [ ! -e "$release/staticfiles/vendor/axe-core" ] ||
  fail "a test-only package was built or collected"
[ -s "$release/locale/en/LC_MESSAGES/django.mo" ] || fail "the app's English catalogue was not compiled"

step "deploy/install.sh again, as for an upgrade: nothing to do, and the virtualenv's catalogues untouched"
# Django's own catalogues made older than their sources: a compilemessages that walked into the
# virtualenv would compile them again.
find "$release/.venv" -name '*.mo' -exec touch -d 2000-01-01 {} +
GEDRAGSCODE_HOME=$release GEDRAGSCODE_ENV_FILE=$env_file GEDRAGSCODE_USER=root "$release/deploy/install.sh" >"$work/upgrade.log" 2>&1 ||
  { cat "$work/upgrade.log"; fail "install.sh failed the second time"; }
stray=$(find "$release/.venv" -name '*.mo' -newermt 2001-01-01 -print -quit)
[ -z "$stray" ] || fail "compilemessages wrote into the virtualenv: $stray"
grep -q "No migrations to apply" "$work/upgrade.log" || fail "the second run migrated again"

step "The first beheerder, as documented (createsuperuser)"
password=$(python3 -c 'import secrets; print(secrets.token_urlsafe(18))')
# An operator runs `gedragscode-manage createsuperuser` and types the password; here it comes from
# Django's DJANGO_SUPERUSER_PASSWORD instead of the prompt.
manage --exec env DJANGO_SUPERUSER_PASSWORD="$password" "$release/.venv/bin/python" "$release/manage.py" \
  createsuperuser --noinput --username beheerder --email beheerder@stad.antwerpen.be

step "The service definitions: systemd-analyze verify"
mkdir -p "$work/units"
for unit in "$release"/deploy/systemd/*.service "$release"/deploy/systemd/*.timer; do
  [ -e "$unit" ] || continue
  localise "$unit" >"$work/units/$(basename "$unit")"
done
verify_output=$(cd "$work/units" && systemd-analyze verify $(ls ./*.service ./*.timer 2>/dev/null) 2>&1 | grep -v "^$" || true)
echo "${verify_output:-(no findings)}"
# Warnings count as failures too; the one thing allowed is the unit's own user missing on this machine.
if echo "$verify_output" | grep -v -E "gedragscode.*(user|User|group|Group).*(not found|does not exist)" | grep -q .; then
  fail "systemd-analyze verify found problems in deploy/systemd"
fi

step "The app server and the task worker, with their units' command lines"
read -r -a web <<<"$(exec_start "$release/deploy/systemd/gedragscode-web.service")"
read -r -a worker <<<"$(exec_start "$release/deploy/systemd/gedragscode-worker.service")"
cd "$release"
start_service "$work/web.log" "${web[@]}" &
pids+=($!)
start_service "$work/worker.log" "${worker[@]}" &
pids+=($!)
wait_for_port "$app_port" || { cat "$work/web.log"; fail "gunicorn did not listen on $app_port"; }

step "nginx with deploy/nginx/gedragscode.conf (TLS with a throw-away certificate)"
mkdir -p "$work/nginx/temp"
chmod 777 "$work/nginx/temp"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=$host" \
  -keyout "$work/nginx/key.pem" -out "$work/nginx/cert.pem" 2>/dev/null
localise "$release/deploy/nginx/gedragscode.conf" |
  sed -e "s#listen 80;#listen 127.0.0.1:$http_port;#" -e "s#listen 443 ssl http2;#listen 127.0.0.1:$https_port ssl http2;#" \
    -e '/listen \[::\]/d' \
    -e "s#/etc/ssl/certs/gedragscode.antwerpen.be.pem#$work/nginx/cert.pem#" \
    -e "s#/etc/ssl/private/gedragscode.antwerpen.be.key#$work/nginx/key.pem#" >"$work/nginx/site.conf"
cat >"$work/nginx/nginx.conf" <<NGINX
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events {}
http {
    access_log $work/nginx/access.log;
    client_body_temp_path $work/nginx/temp/body;
    proxy_temp_path $work/nginx/temp/proxy;
    fastcgi_temp_path $work/nginx/temp/fastcgi;
    uwsgi_temp_path $work/nginx/temp/uwsgi;
    scgi_temp_path $work/nginx/temp/scgi;
    include $work/nginx/site.conf;
}
NGINX
nginx -t -q -p "$work/nginx" -c "$work/nginx/nginx.conf" || fail "nginx refuses deploy/nginx/gedragscode.conf"
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf"
wait_for_port "$https_port" || fail "nginx did not listen on $https_port"

step "Using it: pages through nginx, the health check over plain HTTP, the sign-on header"
python3 "$repo/scripts/production_probe.py" --host "$host" --https "$https_port" --http "$http_port" \
  --app "$app_port" --username beheerder "--password=$password" || { tail -n 30 "$work/web.log"; fail "probe"; }
kill -0 "${pids[1]}" 2>/dev/null || { cat "$work/worker.log"; fail "the task worker stopped"; }

step "Without the built assets, the install refuses to serve (it used to answer 500 on every page)"
kill -- "-${pids[0]}" && wait "${pids[0]}" 2>/dev/null || true
mv "$release/static/vendor" "$work/vendor-aside"
if manage check --deploy >"$work/check.log" 2>&1; then fail "check --deploy passed without the built assets"; fi
grep -q "gedragscode.E001" "$work/check.log" || { cat "$work/check.log"; fail "check did not name the missing assets"; }
refused=("${web[@]/127.0.0.1:$app_port/127.0.0.1:$((app_port + 1))}")
if manage --exec timeout 60 "${refused[@]}" >"$work/refused.log" 2>&1; then
  fail "gunicorn started without the built assets"
fi
grep -q "front-end assets are not built" "$work/refused.log" || { tail "$work/refused.log"; fail "gunicorn did not say why"; }
echo "check --deploy and gunicorn refuse, naming the missing assets."
mv "$work/vendor-aside" "$release/static/vendor"

echo
echo "PRODUCTION INSTALL CHECK PASSED"
