#!/usr/bin/env bash
# bench-http.sh measures PERFORMANCE.md P3: the dashboard's pages and JSON
# APIs at national scale under wrk (2 threads, 32 connections, 10 s,
# gzip accepted), each beside the same server's static-file route serving a
# response of the same size, measured in the same run.
#
# The static counterpart of a page whose answer is N bytes on the wire is
# the first N bytes of the largest static file, asked for with
# "Range: bytes=0-(N-1)", so that the bytes served match to the byte and
# nothing is written into assets or added to the routes. The script checks
# that the static route honours the range (206 and exactly N bytes); if it
# does not, or N exceeds the largest file, it falls back to the whole static
# file nearest in size and the report notes how far off that is.
#
# It builds the binary, starts it on 127.0.0.1 (and nowhere else) with a
# fresh database in a temporary directory, so the first start loads the
# national-scale demo, adds an LGA account with the CLI, signs in with curl,
# and benchmarks every URL in URLS below. A URL that does not answer 200 is
# skipped with a note, so pages that do not exist yet are picked up later
# by adding nothing. The table at the end marks each page PASS or FAIL
# against P3; it is a report, so the script exits non-zero only when it
# cannot measure (build, start, sign-in or wrk failure), never on a FAIL.
#
# The database is SQLite by default; `bench-http.sh postgres` runs the same
# measurements on PostgreSQL: on the empty database BENCH_POSTGRES names
# (postgres://…), or else on a throwaway server the script starts from the
# machine's PostgreSQL binaries (/usr/lib/postgresql/*/bin, as the postgres
# user when run as root), listening only on a Unix socket in its temporary
# folder, and stops at the end.
#
# Run by `make bench` (once per database). Needs curl, python3 and wrk
# (installed with apt-get when missing). Takes about 1-3 minutes. Knobs
# (environment):
#   BENCH_DURATION  wrk duration per run (default 10s)
#   BENCH_WARMUP    warm-up before each measured run (default 2s)
#   BENCH_POSTGRES  an empty PostgreSQL database for `bench-http.sh postgres`
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

DIALECT=${1:-sqlite}
[[ $DIALECT == sqlite || $DIALECT == postgres ]] || {
	echo "usage: bench-http.sh [sqlite|postgres]" >&2
	exit 2
}
HOST=127.0.0.1 # never anything else
THREADS=2
CONNECTIONS=32
DURATION=${BENCH_DURATION:-10s}
WARMUP=${BENCH_WARMUP:-2s}
COUNCIL=202
INDICATOR=CSC_REFERRALS
# The last complete month, which the demo data runs to.
MONTH=$(date -u -d "$(date -u +%Y-%m-01) -1 month" +%Y-%m)

# The URLs to measure; add a line to measure another page. Each must answer
# 200 to the signed-in LGA account, or it is skipped with a note.
URLS=(
	"/councils/$COUNCIL"
	"/compare?indicator=$INDICATOR&month=$MONTH&council=$COUNCIL"
	"/pressure"
	"/api/v1/councils/$COUNCIL/series?indicator=$INDICATOR"
	"/api/v1/compare?indicator=$INDICATOR&month=$MONTH"
	"/api/v1/councils"
	"/api/v1/pressure"
	"/projections?indicator=$INDICATOR"
	"/api/v1/councils/$COUNCIL/projection?indicator=$INDICATOR&horizon=12"
	"/api/v1/councils/$COUNCIL/narrative"
)

log() { printf '==> %s\n' "$*" >&2; }
die() {
	printf 'bench-http: %s\n' "$*" >&2
	exit 1
}
seconds() { # "10s" / "1m" / "10" -> whole seconds
	local d=$1
	case $d in
	*ms) echo 1 ;;
	*m) echo $((${d%m} * 60)) ;;
	*s) echo "${d%s}" ;;
	*) echo "$d" ;;
	esac
}

# --- tools -------------------------------------------------------------------
command -v curl >/dev/null || die "curl is needed"
command -v python3 >/dev/null || die "python3 is needed"
if ! command -v wrk >/dev/null; then
	log "installing wrk"
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
command -v wrk >/dev/null || die "wrk is not installed"

# --- temp dir and clean-up -----------------------------------------------------
TMP=$(mktemp -d "${TMPDIR:-/tmp}/bench-http.XXXXXX")
SERVER_PID=
PG_DIR= PG_BIN=
# as_postgres CMD...: runs a PostgreSQL program, as the postgres user when
# we are root (initdb refuses root).
as_postgres() {
	if [[ $(id -u) == 0 ]]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}
cleanup() {
	local rc=$?
	if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
		kill -TERM "$SERVER_PID" 2>/dev/null || true
		for _ in $(seq 50); do
			kill -0 "$SERVER_PID" 2>/dev/null || break
			sleep 0.2
		done
		kill -KILL "$SERVER_PID" 2>/dev/null || true
		wait "$SERVER_PID" 2>/dev/null || true
	fi
	if [[ $rc -ne 0 && -s $TMP/server.err ]]; then
		printf -- '--- last lines of the server log ---\n' >&2
		tail -n 20 "$TMP/server.err" >&2 || true
	fi
	if [[ -n $PG_DIR ]]; then
		as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
		rm -rf "$PG_DIR"
	fi
	rm -rf "$TMP"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- build and start -------------------------------------------------------------
log "building"
go build -o "$TMP/resilience" ./cmd/resilience

DB="$TMP/bench.db"
if [[ $DIALECT == postgres ]]; then
	if [[ -n ${BENCH_POSTGRES:-} ]]; then
		DB=$BENCH_POSTGRES
	else
		PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
		[[ -x $PG_BIN/initdb ]] || die "PostgreSQL is not installed (apt-get install postgresql), and BENCH_POSTGRES is not set"
		PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/bench-pg.XXXXXX")
		[[ $(id -u) == 0 ]] && chown postgres: "$PG_DIR"
		log "starting a throwaway PostgreSQL server in $PG_DIR"
		as_postgres "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U postgres --no-sync --encoding=UTF8 --locale=C >/dev/null ||
			die "initdb failed"
		as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w -t 60 \
			-o "-c listen_addresses='' -c unix_socket_directories='$PG_DIR' -c max_connections=200" start >/dev/null ||
			die "pg_ctl start failed: $(tail -n 5 "$PG_DIR/log" 2>/dev/null)"
		DB="postgres://postgres@/postgres?host=$PG_DIR&sslmode=disable"
	fi
fi
log "starting the server on $HOST with a fresh $DIALECT database (loads the national-scale demo)"
"$TMP/resilience" serve -addr "$HOST:0" -database "$DB" >"$TMP/server.out" 2>"$TMP/server.err" &
SERVER_PID=$!
BASE=
for _ in $(seq 1200); do # up to 120 s
	if BASE=$(grep -o "Resilience is running at http://$HOST:[0-9]*" "$TMP/server.out" 2>/dev/null); then
		BASE=${BASE#Resilience is running at }
		break
	fi
	kill -0 "$SERVER_PID" 2>/dev/null || die "the server exited during start-up"
	sleep 0.1
done
[[ $BASE =~ ^http://127\.0\.0\.1:[0-9]+$ ]] || die "the server did not report a 127.0.0.1 address within 120 s"
for _ in $(seq 300); do # up to 30 s
	[[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$BASE/healthz" || true) == 200 ]] && break
	sleep 0.1
done
[[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$BASE/healthz" || true) == 200 ]] || die "$BASE/healthz did not answer 200"
log "server at $BASE"

# --- account and session -------------------------------------------------------
EMAIL="bench-lga@bench.invalid"
PASSWORD="bench-$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
printf '%s\n' "$PASSWORD" | "$TMP/resilience" users add --database "$DB" --email "$EMAIL" --role lga --password-stdin >/dev/null
curl -s -o /dev/null --max-time 10 -c "$TMP/cookies" \
	--data-urlencode "email=$EMAIL" --data-urlencode "password=$PASSWORD" "$BASE/sign-in" || die "signing in failed"
# An account added with the CLI must choose its own password at its first
# sign-in before it sees any page: choose one.
NEW_PASSWORD="bench-$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
curl -s -o /dev/null --max-time 10 -b "$TMP/cookies" -c "$TMP/cookies" \
	--data-urlencode "current-password=$PASSWORD" --data-urlencode "new-password=$NEW_PASSWORD" \
	--data-urlencode "confirm-password=$NEW_PASSWORD" "$BASE/account/password" || die "choosing a password failed"
SESSION=$(awk '$6 == "resilience_session" { print $7 }' "$TMP/cookies")
[[ -n $SESSION ]] || die "signing in did not set resilience_session"
COOKIE="Cookie: resilience_session=$SESSION"
GZIP="Accept-Encoding: gzip"
[[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -H "$COOKIE" "$BASE/") == 200 ]] || die "the session cookie does not open /"

# --- wrk -----------------------------------------------------------------------
# Prints wrk's figures in one machine-readable line. (No response() hook:
# handing every body to Lua costs wrk more than the server's work on large
# responses. Instead wrk counts statuses >= 400, and a 3xx, say a redirect to
# the sign-in page, shows as responses shorter than the probe's; the report
# checks both, and the URL is asked again after the run.)
cat >"$TMP/report.lua" <<'LUA'
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%.0f duration_us=%.0f bytes=%.0f p50_us=%.0f p90_us=%.0f p99_us=%.0f max_us=%.0f status=%.0f connect=%.0f read=%.0f write=%.0f timeout=%.0f\n",
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    e.status, e.connect, e.read, e.write, e.timeout))
end
LUA
WRK_LIMIT=$(($(seconds "$DURATION") + 30))
WARM_LIMIT=$(($(seconds "$WARMUP") + 30))

# header_args HEADER...: curl/wrk arguments sending the session cookie and
# the given request headers ("Accept-Encoding: gzip" when none are given).
header_args() {
	HDR_ARGS=(-H "$COOKIE")
	(($#)) || set -- "$GZIP"
	local h
	for h in "$@"; do
		HDR_ARGS+=(-H "$h")
	done
}

# bench PATH EXPECT OUT [HEADER...]: warm up, then a measured run, sending
# the headers given (gzip accepted when none are); OUT gets the BENCH line's
# fields, the bytes one answer should take on the wire (EXPECT) and the status
# of the URL asked again after the run with the same headers.
bench() {
	local path=$1 expect=$2 out=$3 after
	shift 3
	header_args "$@"
	timeout "$WARM_LIMIT" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" "${HDR_ARGS[@]}" "$BASE$path" >/dev/null ||
		die "wrk warm-up failed for $path"
	timeout "$WRK_LIMIT" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$TMP/report.lua" \
		"${HDR_ARGS[@]}" "$BASE$path" >"$out.txt" || die "wrk failed for $path"
	grep -q '^BENCH ' "$out.txt" || die "no figures from wrk for $path"
	after=$(curl -s -o /dev/null -w '%{http_code}' --max-time 30 "${HDR_ARGS[@]}" "$BASE$path" || true)
	# A range answered in full is a 206; the report knows only 200.
	[[ $after == 206 ]] && after=200
	{
		grep '^BENCH ' "$out.txt" | sed 's/^BENCH //' | tr -d '\n'
		printf ' expect=%s after=%s\n' "$expect" "$after"
	} >"$out"
}

# probe PATH [HEADER...]: "status body-bytes encoding wire-bytes" of one
# answer, as wrk will get it with the same headers (gzip accepted when none
# are given; wire bytes: status line, headers and body).
probe() {
	local enc path=$1
	shift
	header_args "$@"
	: >"$TMP/probe.h"
	curl -s -o /dev/null -D "$TMP/probe.h" --max-time 30 "${HDR_ARGS[@]}" \
		-w '%{http_code} %{size_download} %{size_header}' "$BASE$path" >"$TMP/probe.w" || true
	local code size hdr
	read -r code size hdr <"$TMP/probe.w" || true
	enc=$(awk -F': *' 'tolower($1) == "content-encoding" { gsub(/\r/, "", $2); print $2 }' "$TMP/probe.h")
	printf '%s %s %s %s\n' "${code:-000}" "${size:-0}" "${enc:-identity}" "$(( ${size:-0} + ${hdr:-0} ))"
}

# --- the static files, as served --------------------------------------------------
log "sizing the static files"
: >"$TMP/static.tsv"
RANGE_FILE= RANGE_MAX=0 # the largest static file, unencoded: the source of byte ranges
while IFS= read -r f; do
	rel=${f#assets/static/}
	read -r code size enc wire < <(probe "/static/$rel")
	if [[ $code == 200 ]]; then
		printf '%s\t%s\t%s\t%s\n' "$size" "/static/$rel" "$enc" "$wire" >>"$TMP/static.tsv"
	fi
	read -r code size enc wire < <(probe "/static/$rel" "Accept-Encoding: identity")
	if [[ $code == 200 && $enc == identity ]] && ((size > RANGE_MAX)); then
		RANGE_FILE="/static/$rel" RANGE_MAX=$size
	fi
done < <(find assets/static -type f | sort)
[[ -s $TMP/static.tsv ]] || die "the server serves no static files"

# Does the static route honour a byte range? Ask for the first 1000 bytes
# (or all but the last byte of a smaller file) and expect a 206 of exactly
# that many.
RANGES=no
if ((RANGE_MAX > 1)); then
	want=$((RANGE_MAX > 1000 ? 1000 : RANGE_MAX - 1))
	read -r code size enc wire < <(probe "$RANGE_FILE" "Accept-Encoding: identity" "Range: bytes=0-$((want - 1))")
	if [[ $code == 206 && $size == "$want" && $enc == identity ]]; then
		RANGES=yes
	fi
fi
if [[ $RANGES == yes ]]; then
	log "static counterparts: byte ranges of $RANGE_FILE ($RANGE_MAX bytes), one the size of each page"
else
	log "the static route does not honour Range: static counterparts are the whole files nearest in size"
fi

# static_same_size BYTES: a static request whose answer carries exactly BYTES
# of body, as "path<TAB>bytes<TAB>encoding<TAB>wire-bytes<TAB>header", or
# nothing when it cannot be had. The path carries the size in its query
# (ignored by the static route) so each page's counterpart is its own row.
static_same_size() {
	local want=$1 path code size enc wire range
	[[ $RANGES == yes ]] && ((want >= 1 && want <= RANGE_MAX)) || return 0
	path="$RANGE_FILE?bench-bytes=$want"
	range="Range: bytes=0-$((want - 1))"
	read -r code size enc wire < <(probe "$path" "Accept-Encoding: identity" "$range")
	if [[ $code == 206 && $size == "$want" ]]; then
		printf '%s\t%s\t%s\t%s\t%s\n' "$path" "$size" "$enc" "$wire" "$range"
	fi
}

# closest_static BYTES: the static file whose served size is nearest (by ratio).
closest_static() {
	awk -F'\t' -v want="$1" '
		function dist(a, b) { if (a < 1) a = 1; if (b < 1) b = 1; return a > b ? log(a / b) : log(b / a) }
		best == "" || dist($1, want) < bd { best = $2; bd = dist($1, want); bs = $1; be = $3; bw = $4 }
		END { printf "%s\t%s\t%s\t%s\n", best, bs, be, bw }' "$TMP/static.tsv"
}

# --- the pages ------------------------------------------------------------------
RESULTS="$TMP/results.tsv"
{
	printf '#meta\tdatabase=%s\n' "$DIALECT"
	printf '#meta\tbase=%s\tthreads=%s\tconnections=%s\tduration=%s\twarmup=%s\tmonth=%s\n' \
		"$BASE" "$THREADS" "$CONNECTIONS" "$DURATION" "$WARMUP" "$MONTH"
	printf '#meta\tdemo=%s\n' "$(grep -o 'observations=[0-9]* to=[0-9-]*' "$TMP/server.err" | head -n 1 || true)"
} >"$RESULTS"
declare -A STATIC_DONE=()
n=0
for url in "${URLS[@]}"; do
	n=$((n + 1))
	read -r code size enc wire < <(probe "$url")
	if [[ $code != 200 ]]; then
		log "$url answers $code: skipped"
		printf 'skip\t%s\t%s\n' "$url" "$code" >>"$RESULTS"
		continue
	fi
	spath= ssize= senc= swire= sheaders=()
	if IFS=$'\t' read -r spath ssize senc swire srange < <(static_same_size "$size"); then
		sheaders=("Accept-Encoding: identity" "$srange")
	else
		IFS=$'\t' read -r spath ssize senc swire < <(closest_static "$size")
		sheaders=()
	fi
	log "$url ($size bytes, $enc): wrk $DURATION"
	bench "$url" "$wire" "$TMP/page.$n"
	printf 'page\t%s\t%s\t%s\t%s\t%s\t%s\n' "$url" "$code" "$size" "$enc" "$spath" "$(tr ' ' '\t' <"$TMP/page.$n")" >>"$RESULTS"
	if [[ -z ${STATIC_DONE[$spath]:-} ]]; then
		STATIC_DONE[$spath]=1
		log "  static counterpart $spath ($ssize bytes, $senc${sheaders[1]:+, ${sheaders[1]}}): wrk $DURATION"
		bench "$spath" "$swire" "$TMP/static.$n" "${sheaders[@]}"
		printf 'static\t%s\t200\t%s\t%s\t%s\n' "$spath" "$ssize" "$senc" "$(tr ' ' '\t' <"$TMP/static.$n")" >>"$RESULTS"
	fi
done

# --- report ---------------------------------------------------------------------
python3 scripts/bench-http-report.py "$RESULTS"
