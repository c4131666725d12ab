#!/usr/bin/env bash
# Watch latency benchmark (issue 7): with --stable 1, how long from dropping a one-page form
# until its result appears, compared with its reading time (goal: latency <= 1 s + reading + 0.5 s).
#
#   scripts/watch-benchmark.sh [PAGE_IMAGE] [ROUNDS]
#
# PAGE_IMAGE: a one-page form (default: the first image in Fixtures/scans). With
# SECONDLINE_FAKE_READER=text:MS set, a generated text scan is used instead (no OCR).
# Env: SCRATCH (default .build-bench) build folder; SECONDLINE_BIN to use a built binary instead.
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${2:-5}
SCRATCH=${SCRATCH:-.build-bench}
WORK=$(mktemp -d /tmp/secondline-watch-bench.XXXXXX)
WATCH_PID=
cleanup() { [[ -n "$WATCH_PID" ]] && kill -TERM "$WATCH_PID" 2>/dev/null && wait "$WATCH_PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

if [[ -n "${SECONDLINE_BIN:-}" ]]; then
    BIN=$SECONDLINE_BIN
else
    echo "building secondline (release, $SCRATCH)…" >&2
    swift build -c release --scratch-path "$SCRATCH" --product secondline >&2
    BIN=$(swift build -c release --scratch-path "$SCRATCH" --show-bin-path)/secondline
fi

mkdir -p "$WORK/drop" "$WORK/staging"
if [[ -n "${SECONDLINE_FAKE_READER:-}" ]]; then
    EXT=png
    make_page() { printf 'FAKESCAN\nstatus: accepted\nid: %s\n' "$1" > "$2"; }
else
    PAGE=${1:-$(find Fixtures/scans -type f \( -iname '*.png' -o -iname '*.jpg' -o -iname '*.tif' \) 2>/dev/null | sort | head -1)}
    if [[ -z "$PAGE" || ! -f "$PAGE" ]]; then
        echo "no one-page form given and none in Fixtures/scans (run scripts/make-fixtures.sh)" >&2
        exit 2
    fi
    EXT=${PAGE##*.}
    # Byte-distinct copies (a trailing comment) so the ledger does not treat them as duplicates.
    make_page() { cp "$PAGE" "$2"; printf 'secondline-benchmark-%s' "$1" >> "$2"; }
fi

"$BIN" watch "$WORK/drop" --out "$WORK/out" --stable 1 --jobs 1 --heartbeat 3600 2> "$WORK/watch.log" &
WATCH_PID=$!
sleep 2 # the reader (OCR engine) starts up

total_latency=0
total_reading=0
for round in $(seq 1 "$ROUNDS"); do
    make_page "$round" "$WORK/staging/form$round.$EXT"
    start=$(date +%s.%N)
    mv "$WORK/staging/form$round.$EXT" "$WORK/drop/"
    until [[ -f "$WORK/out/form$round.json" ]]; do
        sleep 0.01
        if ! kill -0 "$WATCH_PID" 2>/dev/null; then echo "the watcher ended:" >&2; cat "$WORK/watch.log" >&2; exit 1; fi
    done
    end=$(date +%s.%N)
    sleep 0.3
    reading=$(sed -n "s/.*form$round\.$EXT: [a-z-]*, [0-9]* pages*, \([0-9.]*\) s.*/\1/p" "$WORK/watch.log" | head -1 || true)
    latency=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.2f", e - s }')
    echo "round $round: result after $latency s (reading ${reading:-?} s)"
    total_latency=$(awk -v a="$total_latency" -v b="$latency" 'BEGIN { print a + b }')
    total_reading=$(awk -v a="$total_reading" -v b="${reading:-0}" 'BEGIN { print a + b }')
done
awk -v l="$total_latency" -v r="$total_reading" -v n="$ROUNDS" 'BEGIN {
    printf "mean latency %.2f s, mean reading %.2f s, overhead %.2f s (goal: <= 1.5 s with --stable 1)\n", l / n, r / n, (l - r) / n }'
