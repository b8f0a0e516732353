#!/usr/bin/env bash
# The load benchmark: generated history at the size asked for, the release app on it, real
# signed-in sessions, and every page driven by wrk at 16 and 64 connections, in one run with
# /healthz and /readyz as the yardstick. Prints one table: req/s, p50, p99, errors, each page's
# share of /readyz's throughput, and the app's memory (RSS) after each page.
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres bash tests/load/run.sh
#   YEARS=10 CASES_PER_YEAR=5000 EXTRA_MUNICIPALITIES=4 AUDIT_PER_CASE=20 SECONDS_PER_PAGE=15 bash tests/load/run.sh
#   BENCH_DATABASE=infohus_bench_1a2b3c4d bash tests/load/run.sh   # reuse a kept database
#   ONLY='figures|concern' bash tests/load/run.sh                    # only the pages matching
#
# Needs a PostgreSQL server (DATABASE_URL names one; the database is created on it and dropped
# afterwards unless KEEP=1), and wrk (installed with apt-get when missing). Timings are measured
# here, never asserted in `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/../.."

: "${DATABASE_URL:?set DATABASE_URL to a PostgreSQL server the benchmark may create a database on}"
YEARS="${YEARS:-10}"
CASES_PER_YEAR="${CASES_PER_YEAR:-5000}"
EXTRA_MUNICIPALITIES="${EXTRA_MUNICIPALITIES:-4}"
# Audit rows per case (20: a million cases make twenty million rows in the access log).
AUDIT_PER_CASE="${AUDIT_PER_CASE:-20}"
SECONDS_PER_PAGE="${SECONDS_PER_PAGE:-15}"
CONNECTIONS="${CONNECTIONS:-16 64}"
PASSWORD="bench-password-2026"

if ! command -v wrk >/dev/null 2>&1; then
  echo "--- installing wrk"
  if [ "$(id -u)" -eq 0 ]; then apt-get install -y -qq wrk >/dev/null; else sudo apt-get install -y -qq wrk >/dev/null; fi
fi

echo "--- building the release binaries"
cargo build --release --quiet --bin infohus --bin bench_stats
target="${CARGO_TARGET_DIR:-target}/release"

work="$(mktemp -d)"
app_pid=""
# The concerns the employee filed are taken out again when the run ends, so that a kept database
# measures the same pages the next time: a run files tens of thousands, which would otherwise
# fill the running quarter that the figures count. A concern is deleted only by the retention
# purge, and this uses its switch: these rows are the benchmark's own.
forget_filings() {
  [ -n "${url:-}" ] || return 0
  psql "$url" -q -v ON_ERROR_STOP=1 >/dev/null <<'SQL' || echo "could not remove the benchmark's filings" >&2
begin;
set local infohus.purging = on;
create temp table filed on commit drop as
  select id from concerns
  where reporter_name = 'Bench staff' and reporter_email = 'bench-staff@example.org'
    and case_id is null;
delete from alerts
where substring(link from '[0-9a-f-]{36}') in (select id::text from filed);
delete from concern_history where concern_id in (select id from filed);
delete from concern_addenda where concern_id in (select id from filed);
delete from concerns where id in (select id from filed);
commit;
SQL
}
cleanup() {
  if [ -n "$app_pid" ]; then kill "$app_pid" 2>/dev/null || true; wait "$app_pid" 2>/dev/null || true; fi
  forget_filings
  if [ -n "${created_db:-}" ] && [ "${KEEP:-0}" != 1 ]; then
    psql "$DATABASE_URL" -q -c "drop database if exists $created_db with (force)" >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# The database URL with another database name (keeps user, host and query).
db_url() {
  python3 - "$DATABASE_URL" "$1" <<'PY'
import sys
from urllib.parse import urlsplit, urlunsplit
u = urlsplit(sys.argv[1])
print(urlunsplit((u.scheme, u.netloc, "/" + sys.argv[2], u.query, u.fragment)))
PY
}

if [ -n "${BENCH_DATABASE:-}" ]; then
  db="$BENCH_DATABASE"
  echo "--- using the kept database $db"
else
  echo "--- generating $YEARS years × $CASES_PER_YEAR cases in $((2 + EXTRA_MUNICIPALITIES)) municipalities"
  "$target/bench_stats" --years "$YEARS" --cases-per-year "$CASES_PER_YEAR" \
    --extra-municipalities "$EXTRA_MUNICIPALITIES" --audit-per-case "$AUDIT_PER_CASE" --runs 1 --keep --password "$PASSWORD" | tee "$work/generate.log"
  db="$(sed -n 's/^database //p' "$work/generate.log" | head -1)"
  created_db="$db"
fi
url="$(db_url "$db")"
psql "$url" -At -c "select 'size: ' || (select count(*) from cases) || ' cases, ' || (select count(*) from concerns) || ' concerns, ' || (select count(*) from case_history) || ' history rows, ' || (select count(*) from audit_events) || ' audit rows'"

# A kept database gets the migrations of this build first, however long they take (the app
# migrates when it starts as well, but the wait for it below is a minute).
DATABASE_URL="$url" "$target/infohus" migrate

# The app as it would serve: the release build, its own pool, no second factor for the bench
# users (they sign in with the password alone).
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
cat > "$work/bench.toml" <<EOF
[second_factor]
required_roles = []
key_file = "$work/second-factor.key"
EOF
DATABASE_URL="$url" INFOHUS_CONFIG_FILE="$work/bench.toml" INFOHUS_SERVER__LISTEN="127.0.0.1:$port" \
  INFOHUS_SERVER__PUBLIC_URL="http://127.0.0.1:$port" INFOHUS_LOG__FILTER=warn \
  INFOHUS_RATE_LIMITS__LOGIN_ATTEMPTS_PER_IP=100000 \
  "$target/infohus" serve > "$work/app.log" 2>&1 &
app_pid=$!
base="http://127.0.0.1:$port"
for _ in $(seq 120); do
  curl -fs "$base/readyz" >/dev/null 2>&1 && break
  kill -0 "$app_pid" 2>/dev/null || { cat "$work/app.log"; exit 1; }
  sleep 0.5
done

# A real signed-in session: the login form with its CSRF token, as a browser posts it.
login() {
  local jar="$work/$1.jar"
  local token
  token="$(curl -fs -c "$jar" -b "$jar" "$base/login" | sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' | head -1)"
  curl -fs -o /dev/null -c "$jar" -b "$jar" --data-urlencode "csrf_token=$token" \
    --data-urlencode "email=$1" --data-urlencode "password=$PASSWORD" --data-urlencode "next=/" "$base/login"
  # The cookie header wrk sends.
  awk '{ sub(/^#HttpOnly_/, "") } !/^#/ && NF >= 7 { printf "%s%s=%s", sep, $6, $7; sep = "; " }' "$jar"
}
coordinator="$(login coordinator@randers.bench)"
police="$(login police@oestjyllands-politi.bench)"
# The employee files in one of the extra municipalities (a copy of Randers, where a concern goes
# to the employee's leader first), so the concerns filed do not add to the intake queue or the
# unit counts measured for Randers; they are removed when the run ends (`forget_filings`).
staff_email="$(psql "$url" -At -c "select coalesce((select email from users where email like 'staff@bench-%.bench' order by email limit 1), 'staff@randers.bench')")"
staff="$(login "$staff_email")"
case_id="$(psql "$url" -At -c "select c.id from cases c join municipalities m on m.id = c.municipality_id where m.slug = 'randers' and c.closed_at is null order by c.opened_at desc limit 1")"
# The case page and the case list above write audit rows about that case on every request (a
# kept database's runs leave it hundreds of thousands), so the access log is also measured for a
# case the run does not touch: the one closed last, with the trail the generator gave it.
closed_case_id="$(psql "$url" -At -c "select c.id from cases c join municipalities m on m.id = c.municipality_id where m.slug = 'randers' and c.closed_at is not null and c.purged_at is null order by c.closed_at desc limit 1")"
unit_id="$(psql "$url" -At -c "select u.id from units u join municipalities m on m.id = u.municipality_id where m.slug = 'randers' order by u.name limit 1")"

rss() { awk '/^VmRSS/ { printf "%d", $2 / 1024 }' "/proc/$app_pid/status"; }

# Filing a concern as a frontline employee: the form's POST with the session's CSRF token, as
# the browser sends it after opening the form. Each request files a new concern (it goes to the
# employee's leader, as Randers' action card has it), so a kept database grows by the run.
staff_token="$(curl -fs -H "Cookie: $staff" "$base/bekymringer/ny?akut=nej" | sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' | head -1)"
concern_body="$(python3 - "$staff_token" <<'PY'
import sys
from urllib.parse import urlencode
print(urlencode([
    ("csrf_token", sys.argv[1]), ("acute", "nej"), ("subject_name", "Bench Person"),
    ("subject_birth_date", "24.12.2010"), ("subject_connection", "Elev i 9.b"),
    ("observation", "Deler videoer, der hylder voldelige angreb, i klassens chat."),
    ("observed_when", "Siden september"), ("observed_where", "Klassens chat"),
    ("warning_signs", "spreads_violent_messages"), ("kind", "right_wing_extremism"),
    ("leader_informed", "ja"), ("reporter_name", "Bench staff"),
    ("reporter_email", "bench-staff@example.org"),
]))
PY
)"
cat > "$work/post.lua" <<EOF
wrk.method = "POST"
wrk.body = "$concern_body"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
EOF

pages=(
  "healthz||/healthz"
  "readyz||/readyz"
  "public concern form||/k/randers/bekymring"
  "coordinator's home (my tasks)|$coordinator|/"
  "intake queue|$coordinator|/infohus/indgang"
  "case list /sager|$coordinator|/sager"
  "one case page (+ its audit row)|$coordinator|/sager/$case_id"
  "the case's access log|$coordinator|/sager/$case_id/adgangslog"
  "access log of a closed case|$coordinator|/sager/$closed_case_id/adgangslog"
  "quarterly figures /statistik|$coordinator|/statistik"
  "the police district's figures|$police|/statistik"
  "unit counts|$coordinator|/enhed/tal?enhed=$unit_id"
  "police screening queue|$police|/politi/screening"
  "staff files a concern (POST)|$staff|/bekymringer/ny|post"
)

printf '\n%s cores; %s s per page\n\n' "$(nproc)" "$SECONDS_PER_PAGE"
printf '| page | c | req/s | p50 | p99 | errors | share of /readyz | RSS MiB |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n'
for c in $CONNECTIONS; do
  readyz=""
  for entry in "${pages[@]}"; do
    IFS='|' read -r label cookie path post <<<"$entry"
    if [ -n "${ONLY:-}" ] && ! grep -Eq "$ONLY|healthz|readyz" <<<"$label"; then continue; fi
    args=(-t 2 -c "$c" -d "${SECONDS_PER_PAGE}s" --latency --timeout 10s)
    [ -n "$cookie" ] && args+=(-H "Cookie: $cookie")
    # A page that answers anything but 200 (a redirect to the login page, an error) is an error;
    # a filing must be accepted, which is its redirect to the receipt (a refused form is a 200).
    if [ -n "$post" ]; then
      args+=(-s "$work/post.lua")
      expected=303
      status="$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" \
        -H 'Content-Type: application/x-www-form-urlencoded' --data "$concern_body" "$base$path")"
    else
      expected=200
      status="$(curl -s -o /dev/null -w '%{http_code}' ${cookie:+-H "Cookie: $cookie"} "$base$path")"
    fi
    out="$(wrk "${args[@]}" "$base$path")"
    rps="$(awk '/^Requests\/sec/ { printf "%.0f", $2 }' <<<"$out")"
    p50="$(awk '$1 == "50%" { print $2 }' <<<"$out")"
    p99="$(awk '$1 == "99%" { print $2 }' <<<"$out")"
    errors="$(awk '/Non-2xx/ { n += $NF } /Socket errors/ { gsub(",", ""); n += $4 + $6 + $8 + $10 } END { print n + 0 }' <<<"$out")"
    [ "$status" = "$expected" ] || errors="$errors (answers $status)"
    [ "$label" = readyz ] && readyz="$rps"
    share="—"
    if [ -n "$readyz" ] && [ "$label" != healthz ] && [ "$readyz" -gt 0 ]; then
      share="$(awk -v a="$rps" -v b="$readyz" 'BEGIN { printf "%.1f %%", 100 * a / b }')"
    fi
    printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$label" "$c" "$rps" "$p50" "$p99" "$errors" "$share" "$(rss)"
  done
done
