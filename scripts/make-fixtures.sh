#!/usr/bin/env bash
# Regenerates the committed scanned-form sample set in Fixtures/scans/, or a larger set on demand.
#
#   scripts/make-fixtures.sh                 # rewrite Fixtures/scans/ (deterministic)
#   scripts/make-fixtures.sh --large N OUTDIR  # N declarations per tier into OUTDIR/{clean,light,hard}
#                                              # (env SEED=1000, JOBS=2 render processes)
#
# Declarations come from `secondline generate` (the project's random valid declarations);
# pages are drawn by scripts/render_forms.py (Python + Pillow, test data only).
# Set SECONDLINE to use a specific binary; otherwise .build/debug/secondline is used (built if missing).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
RENDER=(python3 "$ROOT/scripts/render_forms.py")
TODAY=2024-06-01   # fixed, so generated dates (and therefore the fixtures) do not depend on the clock

find_generator() {
    if [[ -n "${SECONDLINE:-}" ]]; then echo "$SECONDLINE"; return; fi
    local bin="$ROOT/.build/debug/secondline"
    if [[ ! -x "$bin" ]]; then
        echo "make-fixtures: building secondline (needed for 'secondline generate')" >&2
        (cd "$ROOT" && swift build --product secondline >&2)
        bin="$(cd "$ROOT" && swift build --show-bin-path)/secondline"
    fi
    echo "$bin"
}

GEN="$(find_generator)"
if ! "$GEN" generate --help >/dev/null 2>&1; then
    echo "make-fixtures: $GEN has no 'generate' subcommand; build the current tree first" >&2
    exit 1
fi

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
# A private copy: a concurrent `swift build` may replace the binary while this script runs.
cp "$GEN" "$WORK/secondline"
GEN="$WORK/secondline"

# gen NAME SEED ITEMS FORMTYPE -> writes $WORK/decl/NAME/NAME-SEED.json, prints that directory
gen() {
    local name=$1 seed=$2 items=$3 type=$4
    local dir="$WORK/decl/$name"
    mkdir -p "$dir"
    "$GEN" generate --seed "$seed" --count 1 --items "$items" --form-type "$type" --today "$TODAY" \
        --out "$dir" --prefix "$name" >/dev/null
    if ! ls "$dir"/*.json >/dev/null 2>&1; then
        echo "make-fixtures: 'secondline generate' wrote nothing for $name" >&2
        exit 1
    fi
    echo "$dir"
}

if [[ "${1:-}" == "--large" ]]; then
    N="${2:?usage: make-fixtures.sh --large N OUTDIR}"
    OUT="${3:?usage: make-fixtures.sh --large N OUTDIR}"
    SEED="${SEED:-1000}"
    JOBS="${JOBS:-2}"
    mkdir -p "$OUT/declarations"
    "$GEN" generate --seed "$SEED" --count "$N" --today "$TODAY" --out "$OUT/declarations" --prefix decl >/dev/null
    "${RENDER[@]}" --input "$OUT/declarations" --out "$OUT/clean" --tier clean --seed "$SEED" --format png --jobs "$JOBS" \
        --blank-rate 0.1 --non-form 3
    "${RENDER[@]}" --input "$OUT/declarations" --out "$OUT/light" --tier light --seed "$SEED" --format mixed --jobs "$JOBS" \
        --blank-rate 0.1 --inconsistent-rate 0.05 --non-form 3
    "${RENDER[@]}" --input "$OUT/declarations" --out "$OUT/hard" --tier hard --seed "$SEED" --format mixed --jobs "$JOBS" \
        --blank-rate 0.1 --inconsistent-rate 0.05 --non-form 3
    du -sh "$OUT"
    exit 0
fi

OUT="$ROOT/Fixtures/scans"
rm -rf "$OUT"
mkdir -p "$OUT"

# render TIER SEED FORMAT DECL_DIR [render options...]
render() {
    local tier=$1 seed=$2 fmt=$3 dir=$4
    shift 4
    "${RENDER[@]}" --input "$dir" --out "$OUT" --tier "$tier" --seed "$seed" --format "$fmt" "$@"
}

# Clean: nominal geometry, and random geometry/fonts; all four variants appear across the set.
render clean 1 png "$(gen clean-import-nominal 101 3 import-declaration)" --nominal --font "Noto Sans CJK SC"
render clean 2 png "$(gen clean-export 102 5 export-declaration)" --blank-rate 0.3
render clean 3 png "$(gen clean-import-record 103 2 import-record-list)" --inconsistent-rate 0.3
render clean 4 pdf "$(gen clean-export-record-2p 104 8 export-record-list)"
# A country name too long for its cell (特克斯和凯科斯群岛) wraps onto the code's line; the code goes below.
render clean 5 png "$(gen clean-export-wrapped 110 3 export-declaration)"

# Light: one 4-page TIFF, JPEG single pages, pages that disagree on a header value, 4 shuffled page files.
render light 11 tiff "$(gen light-export-4p 111 20 export-declaration)" --tiff-bilevel never --blank-rate 0.2
render light 12 jpeg "$(gen light-import-record 112 1 import-record-list)" --inconsistent-rate 0.3
render light 13 png "$(gen light-export-record 113 4 export-record-list)" --blank-rate 0.3
render light 14 pages "$(gen light-import-3p-conflict 114 14 import-declaration)" --page-conflict-rate 1
# Four page files whose names do not follow the printed page numbers (issue 5: multi-page assembly).
render light 15 pages "$(gen light-export-4p-shuffled 115 22 export-declaration)" --shuffle-pages

# Hard: rotated, stamped, G4 bilevel TIFF, PDF with a missing page, page files out of order.
render hard 21 jpeg "$(gen hard-import-stamp 121 4 import-declaration)" --blank-rate 0.2 --inconsistent-rate 0.1 \
    --overlays stamp
render hard 22 jpeg "$(gen hard-export-rot90 122 2 export-declaration)" --rotation 90
render hard 23 tiff "$(gen hard-import-record-2p 123 9 import-record-list)" --tiff-bilevel always
render hard 24 pages "$(gen hard-export-3p-shuffled 124 15 export-declaration)" --shuffle-pages
render hard 25 pdf "$(gen hard-export-record-3p-missing 125 13 export-record-list)" --missing-page-rate 1

# Non-form pages for rejection tests (invoice, blank, photo).
"${RENDER[@]}" --out "$OUT" --tier light --seed 31 --non-form 3

du -sh "$ROOT/Fixtures"
