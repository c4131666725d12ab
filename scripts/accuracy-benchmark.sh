#!/usr/bin/env bash
# Field accuracy of `secondline scan` on generated scanned declarations, per tier, next to the
# tesseract command-line tool's whole-page time on the same pages.
#
#   scripts/accuracy-benchmark.sh [SET_DIR]
#
# SET_DIR holds clean/ light/ hard/ as written by `scripts/make-fixtures.sh --large N SET_DIR`.
# Without SET_DIR a fresh set of N=${N:-10} declarations per tier is generated into a temp dir
# (seed ${SEED:-2000}; never tune to one set: change SEED).
# Env: SECONDLINE = binary to use (default: release build of this tree, built if missing);
#      TESS_PAGES = images per tier timed with the tesseract CLI as installed (default 2; the
#      one-thread timing covers every page the CLI opens: all but PDFs);
#      ITEMS=1 scores item rows too; RESULTS=DIR keeps the result documents (default: discarded);
#      CALIBRATE=1 also prints the raw-confidence reliability table of agreeing readings.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SET="${1:-}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

if [[ -z "${SECONDLINE:-}" ]]; then
    echo "accuracy-benchmark: building secondline (release)" >&2
    (cd "$ROOT" && swift build -c release --product secondline --scratch-path "$ROOT/.build-bench" >&2)
    SECONDLINE="$ROOT/.build-bench/release/secondline"
fi
# A private copy: a concurrent build may replace the binary while this runs.
cp "$SECONDLINE" "$WORK/secondline"
BIN="$WORK/secondline"

if [[ -z "$SET" ]]; then
    SET="$WORK/set"
    SECONDLINE="$BIN" SEED="${SEED:-2000}" bash "$ROOT/scripts/make-fixtures.sh" --large "${N:-10}" "$SET" >&2
fi

TESS_PAGES="${TESS_PAGES:-2}"
SCORE_ARGS=()
[[ "${ITEMS:-0}" == "1" ]] && SCORE_ARGS+=(--items)

for tier in clean light hard; do
    dir="$SET/$tier"
    [[ -d "$dir" ]] || { echo "accuracy-benchmark: $dir is missing" >&2; exit 1; }
    out="${RESULTS:-$WORK/results}/$tier"
    mkdir -p "$out"
    mapfile -t files < <(find "$dir" -maxdepth 1 -type f ! -name '*.json' | sort)
    start=$(date +%s.%N)
    "$BIN" scan --out "$out" "${files[@]}" 2>"$WORK/$tier.log" || true
    end=$(date +%s.%N)
    pages=$(python3 -c '
import json, pathlib, sys
n = 0
for p in pathlib.Path(sys.argv[1]).glob("*.json"):
    n += len(json.loads(p.read_text())["source"]["pages"])
print(n)' "$out")
    scan_s=$(python3 -c "print(f'{($end - $start) / max(1, $pages):.2f}')")

    # tesseract CLI, whole page: limited to one thread (as `scan` runs) on every page `scan` read that
    # the CLI opens (images and multi-page TIFFs; PDFs it cannot open are left out), and as installed
    # (its default threads) on the first TESS_PAGES images only, since its threads make it slow here.
    mapfile -t cli_files < <(printf '%s\n' "${files[@]}" | grep -viE '\.pdf$' | grep -v '^$' || true)
    cli_pages=0
    tess1_s="n/a"; tess_s="n/a"; ratio1="n/a"; ratio="n/a"
    if (( ${#cli_files[@]} > 0 )); then
        cli_pages=$(python3 -c '
import sys
from PIL import Image
n = 0
for f in sys.argv[1:]:
    try:
        n += getattr(Image.open(f), "n_frames", 1)
    except Exception:
        pass  # not an image the CLI would read either
print(n)' "${cli_files[@]}")
        # Untimed: the first run loads the language data from disk.
        OMP_THREAD_LIMIT=1 tesseract "${cli_files[0]}" - -l chi_sim+eng >/dev/null 2>&1 || true
        tstart=$(date +%s.%N)
        for f in "${cli_files[@]}"; do OMP_THREAD_LIMIT=1 tesseract "$f" - -l chi_sim+eng >/dev/null 2>&1 || true; done
        tend1=$(date +%s.%N)
        tess1_s=$(python3 -c "print(f'{($tend1 - $tstart) / max(1, $cli_pages):.2f}')")
        ratio1=$(python3 -c "print(f'{$scan_s / max(0.001, $tess1_s):.2f}')")
    fi
    mapfile -t single < <(printf '%s\n' "${cli_files[@]}" | grep -iE '\.(png|jpe?g)$' | head -n "$TESS_PAGES" || true)
    if (( ${#single[@]} > 0 )); then
        tend1=$(date +%s.%N)
        for f in "${single[@]}"; do tesseract "$f" - -l chi_sim+eng >/dev/null 2>&1 || true; done
        tend=$(date +%s.%N)
        tess_s=$(python3 -c "print(f'{($tend - $tend1) / ${#single[@]}:.2f}')")
        ratio=$(python3 -c "print(f'{$scan_s / max(0.001, $tess_s):.2f}')")
    fi

    echo "== $tier: $pages pages; scan ${scan_s} s/page; tesseract CLI (chi_sim+eng, whole page) ${tess_s} s/page as installed (${#single[@]} pages), ${tess1_s} s/page with OMP_THREAD_LIMIT=1 ($cli_pages pages); ratio ${ratio} / ${ratio1} (target <= 0.6)"
    python3 "$ROOT/scripts/accuracy_score.py" "$dir" "$out" --label "$tier" --calibration "${SCORE_ARGS[@]}"

    if [[ "${CALIBRATE:-0}" == "1" ]]; then
        # The same pages once more, keeping every value two readings agree on with the readings' own
        # confidence: the table the policy's threshold for such agreements (minimumAgreeing) comes from.
        cal="$WORK/calibration/$tier"
        mkdir -p "$cal"
        SECONDLINE_FORM_CALIBRATE=1 "$BIN" scan --out "$cal" "${files[@]}" 2>/dev/null || true
        echo "-- $tier: raw confidence of agreeing readings (max of the two networks' lowest word confidence) vs accuracy"
        python3 "$ROOT/scripts/accuracy_score.py" "$dir" "$cal" --label "$tier-raw" --calibration --calibration-note "calibration run" "${SCORE_ARGS[@]}" \
            | sed -n '/reliability/,/wrong:/p' | grep -v 'wrong:'
    fi
done
