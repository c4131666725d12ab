#!/usr/bin/env bash
# OCR benchmark (issue 3). Prints, on the same generated form-like A4 pages (300 DPI, Chinese labels,
# Latin/digit values, ruled lines):
#   - the tesseract command-line tool's time per page (one process per page, and one process for all pages)
#   - in-process whole-page recognition time per page (must not be slower than the CLI)
#   - a single-line rectangle's time (setImage once, then recognize(rect:) per line)
#   - orientation detection and load+normalize time
#   - throughput with 1 and 2 workers, with and without OMP_THREAD_LIMIT=1
# Wall time and CPU time (user+sys) are both printed: the machine is shared, and CPU time stays comparable
# when other jobs compete for the cores. Check the load average line before trusting wall times.
# Usage: scripts/ocr-benchmark.sh     (env: LANGS=chi_sim+eng PAGES=4 REPEAT=2 SCRATCH=.build-ocr)
set -euo pipefail
cd "$(dirname "$0")/.."
# On a shared machine other jobs steal the cores and make the 1-vs-2-worker comparison meaningless.
# As root we re-run ourselves in a new session (own scheduler autogroup) at a higher priority for the
# few minutes this takes; with autogroups, plain `nice` alone does not help against other sessions.
# Opt out with NICE=0.
if [ "$(id -u)" = 0 ] && [ "${NICE:-1}" != 0 ] && [ -z "${OCR_BENCH_PRIORITY:-}" ]; then
    export OCR_BENCH_PRIORITY=-15
    exec setsid bash -c 'echo "$OCR_BENCH_PRIORITY" > /proc/self/autogroup 2>/dev/null; exec nice -n "$OCR_BENCH_PRIORITY" "$0" "$@"' "$0" "$@" < /dev/null
fi
SCRATCH=${SCRATCH:-.build-ocr}
LANGS=${LANGS:-chi_sim+eng}
PAGES=${PAGES:-4}
REPEAT=${REPEAT:-2}

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
python3 scripts/ocr-make-bench-pages.py "$WORK" "$PAGES"
swift build -c release --scratch-path "$SCRATCH" --product ocr-soak >&2
BIN="$SCRATCH/release/ocr-soak"
FILES=("$WORK"/bench-*.png)
ls "${FILES[@]}" > "$WORK/list.txt"

# measure PAGES_DONE command...: runs the command, prints wall and CPU milliseconds per page.
measure() {
    local pages=$1; shift
    /usr/bin/time -f "%e %U %S" -o "$WORK/time" "$@" >/dev/null 2>&1
    awk -v n="$pages" '{ printf "%.0f ms per page wall, %.0f ms CPU (%d pages in %.1f s)", $1 * 1000 / n, ($2 + $3) * 1000 / n, n, $1 }' "$WORK/time"
}
cli_per_page() { for _ in $(seq "$1"); do for f in "${FILES[@]}"; do tesseract "$f" - -l "$LANGS" --psm 3; done; done; }
cli_list() { for _ in $(seq "$1"); do tesseract "$WORK/list.txt" - -l "$LANGS" --psm 3; done; }
export -f cli_per_page cli_list
export FILES_LIST="${FILES[*]}" LANGS WORK

echo "== OCR benchmark: ${#FILES[@]} form-like A4 pages at 300 DPI, languages $LANGS"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), priority ${OCR_BENCH_PRIORITY:-normal}, $(tesseract --version 2>&1 | head -1)"
N=$(( ${#FILES[@]} * REPEAT ))

export OMP_THREAD_LIMIT=1
echo
echo "-- OMP_THREAD_LIMIT=1 (what secondline arranges for itself)"
echo "tesseract CLI, one process per page:       $(measure "$N" bash -c 'FILES=($FILES_LIST); cli_per_page '"$REPEAT")"
echo "tesseract CLI, one process for all pages:  $(measure "$N" bash -c 'cli_list '"$REPEAT")"
echo "in-process whole page (psm 3):             $("$BIN" bench --mode whole --repeat "$REPEAT" --lang "$LANGS" "${FILES[@]}")"
echo "in-process single-line rectangle (psm 7):  $("$BIN" bench --mode rect --repeat 1 --lang "$LANGS" "${FILES[@]}")"
echo "orientation detection (OSD on 150 DPI):    $("$BIN" bench --mode osd --repeat "$REPEAT" --lang "$LANGS" "${FILES[@]}")"
echo "load + normalize (gray, OSD, deskew):      $("$BIN" bench --mode normalize --repeat 1 --lang "$LANGS" "${FILES[@]}")"
for workers in 1 2; do
    "$BIN" bench --mode throughput --workers "$workers" --repeat "$(( REPEAT * 2 ))" --lang "$LANGS" "${FILES[@]}"
done

unset OMP_THREAD_LIMIT
echo
echo "-- OMP_THREAD_LIMIT unset (libgomp default: one OpenMP thread per core in every engine)"
echo "tesseract CLI, one process per page:       $(measure "${#FILES[@]}" bash -c 'FILES=($FILES_LIST); cli_per_page 1')"
echo "in-process whole page (psm 3):             $("$BIN" bench --mode whole --repeat 1 --lang "$LANGS" "${FILES[@]}")"
for workers in 1 2; do
    "$BIN" bench --mode throughput --workers "$workers" --repeat 1 --lang "$LANGS" "${FILES[@]}"
done
