#!/usr/bin/env bash
# Ingest benchmark (issue 6): pages/s of `secondline ingest` with 1 and 2 jobs, peak memory
# (/usr/bin/time -v), and the `tesseract` tool's pages/s on the same pages.
#
#   scripts/ingest-benchmark.sh [SCANS_DIR] [MIN_PAGES]
#
# SCANS_DIR: page images (png/jpg/tif/pdf; default Fixtures/scans, made by scripts/make-fixtures.sh).
# The files are copied, round-robin, into a fresh folder until it holds MIN_PAGES (default 120)
# pages; each copy gets a distinct comment/trailer so the ingest's duplicate detection does not
# skip it (the pixels stay the same).
#
# With SECONDLINE_FAKE_READER=text:MS set, no images are needed: the script generates text
# "scans" that take MS ms each (checks the script and the pipeline's scaling without OCR).
#
# Env: SCRATCH (default .build-bench) build folder; SECONDLINE_BIN to use a built binary instead.
set -euo pipefail
cd "$(dirname "$0")/.."

SCANS_DIR=${1:-Fixtures/scans}
MIN_PAGES=${2:-120}
SCRATCH=${SCRATCH:-.build-bench}
WORK=$(mktemp -d /tmp/secondline-ingest-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

if [[ -n "${SECONDLINE_BIN:-}" ]]; then
    BIN=$SECONDLINE_BIN
else
    echo "building secondline (release, $SCRATCH)…" >&2
    swift build -c release --scratch-path "$SCRATCH" --product secondline >&2
    BIN=$(swift build -c release --scratch-path "$SCRATCH" --show-bin-path)/secondline
fi

mkdir -p "$WORK/in"
if [[ -n "${SECONDLINE_FAKE_READER:-}" ]]; then
    for i in $(seq 1 "$MIN_PAGES"); do
        printf 'FAKESCAN\nstatus: accepted\nid: %s\n' "$i" > "$WORK/in/page$i.png"
    done
    echo "fake reader ($SECONDLINE_FAKE_READER): $MIN_PAGES generated text scans; tesseract comparison skipped" >&2
else
    if [[ ! -d "$SCANS_DIR" ]] || ! find "$SCANS_DIR" -type f \( -iname '*.png' -o -iname '*.jp*g' -o -iname '*.tif*' -o -iname '*.pdf' \) | grep -q .; then
        echo "no scans in $SCANS_DIR: run scripts/make-fixtures.sh first, or pass a folder of page images" >&2
        exit 2
    fi
    # Copy until MIN_PAGES pages, making each copy byte-distinct without changing its pixels.
    python3 - "$SCANS_DIR" "$WORK/in" "$MIN_PAGES" <<'PY'
import struct, sys, zlib, subprocess
from pathlib import Path
src, dst, need = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
files = sorted(p for p in src.rglob("*") if p.is_file() and p.suffix.lower() in (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".pdf"))
def pages(p):
    s = p.suffix.lower()
    if s == ".pdf":
        out = subprocess.run(["pdfinfo", str(p)], capture_output=True, text=True).stdout
        return next((int(l.split()[-1]) for l in out.splitlines() if l.startswith("Pages:")), 1)
    if s in (".tif", ".tiff"):
        from PIL import Image
        with Image.open(p) as im:
            return getattr(im, "n_frames", 1)
    return 1
def distinct(data, suffix, n):
    tag = f"secondline-benchmark-copy-{n}".encode()
    if suffix == ".png":
        chunk = b"tEXt" + b"Comment\0" + tag
        body = struct.pack(">I", len(chunk) - 4) + chunk + struct.pack(">I", zlib.crc32(chunk) & 0xFFFFFFFF)
        return data[:33] + body + data[33:]  # after the IHDR chunk
    if suffix in (".jpg", ".jpeg"):
        return data[:2] + b"\xff\xfe" + struct.pack(">H", len(tag) + 2) + tag + data[2:]  # COM after SOI
    if suffix == ".pdf":
        return data + b"\n%" + tag + b"\n"
    return data + tag  # TIFF: offsets make trailing bytes harmless
total, n = 0, 0
while total < need and files:
    p = files[n % len(files)]
    data = p.read_bytes()
    name = f"{p.stem}-copy{n:04d}{p.suffix.lower()}" if "-p" not in p.stem else f"c{n:04d}{p.stem}{p.suffix.lower()}"
    (dst / name).write_bytes(distinct(data, p.suffix.lower(), n))
    total += pages(p)
    n += 1
print(f"{n} files, {total} pages from {len(files)} source files", file=sys.stderr)
PY
fi

# Runs one ingest; prints "pages seconds pages_per_s peak_mb exit cpu_percent".
run_ingest() {
    local jobs=$1 out="$WORK/out-$1"
    rm -rf "$out"
    local start end status=0
    start=$(date +%s.%N)
    /usr/bin/time -v -o "$WORK/time-$jobs.txt" "$BIN" ingest "$WORK/in" --out "$out" --jobs "$jobs" --quiet 2> "$WORK/log-$jobs.txt" || status=$?
    end=$(date +%s.%N)
    local pages peak cpu
    pages=$(grep -o 'read now: [0-9]*, [0-9]* page' "$WORK/log-$jobs.txt" | grep -o '[0-9]* page' | grep -o '[0-9]*' || echo 0)
    peak=$(awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print int($2 / 1024)}' "$WORK/time-$jobs.txt")
    cpu=$(awk -F: '/Percent of CPU/ {gsub(/[ %]/, "", $2); print $2}' "$WORK/time-$jobs.txt")
    if [[ $status -ne 0 && $status -ne 3 ]]; then
        echo "ingest with $jobs job(s) exited $status:" >&2
        tail -5 "$WORK/log-$jobs.txt" >&2
    fi
    awk -v p="$pages" -v s="$start" -v e="$end" -v m="$peak" -v x="$status" -v c="${cpu:-0}" 'BEGIN { d = e - s; printf "%d %.2f %.2f %d %d %d\n", p, d, (d > 0 ? p / d : 0), m, x, c }'
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) (other processes on the 2 cores distort the 2-job speed-up)"
read -r pages1 secs1 rate1 mem1 exit1 cpu1 < <(run_ingest 1)
read -r pages2 secs2 rate2 mem2 exit2 cpu2 < <(run_ingest 2)
echo "ingest --jobs 1: $pages1 pages in $secs1 s = $rate1 pages/s, peak memory $mem1 MB, CPU $cpu1 % (exit $exit1)"
echo "ingest --jobs 2: $pages2 pages in $secs2 s = $rate2 pages/s, peak memory $mem2 MB, CPU $cpu2 % (exit $exit2)"
awk -v a="$rate1" -v b="$rate2" 'BEGIN { if (a > 0) printf "speed-up 2 jobs / 1 job: %.2fx (goal >= 1.7x); ", b / a }'
awk -v m="$mem2" 'BEGIN { printf "peak memory with 2 jobs: %d MB (goal <= 600 MB)\n", m }'

if [[ -z "${SECONDLINE_FAKE_READER:-}" ]]; then
    # The tesseract tool on the same pages, one page at a time (PDFs rasterised first, not timed).
    mkdir -p "$WORK/tess"
    for f in "$WORK"/in/*; do
        case "${f,,}" in
            *.pdf) pdftoppm -r 300 -png "$f" "$WORK/tess/$(basename "$f" .pdf)" ;;
            *) ln -s "$f" "$WORK/tess/$(basename "$f")" ;;
        esac
    done
    tpages=0
    start=$(date +%s.%N)
    for f in "$WORK"/tess/*; do
        OMP_THREAD_LIMIT=1 tesseract "$f" - -l chi_sim+eng > /dev/null 2>&1 || true
        case "${f,,}" in
            *.tif|*.tiff) n=$(python3 -c 'import sys; from PIL import Image; print(getattr(Image.open(sys.argv[1]), "n_frames", 1))' "$f") ;;
            *) n=1 ;;
        esac
        tpages=$((tpages + n))
    done
    end=$(date +%s.%N)
    awk -v p="$tpages" -v s="$start" -v e="$end" -v r="$rate1" 'BEGIN { d = e - s; t = (d > 0 ? p / d : 0);
        printf "tesseract tool (chi_sim+eng, 1 process): %d pages in %.2f s = %.2f pages/s", p, d, t;
        if (t > 0) printf "; ingest --jobs 1 is %.2fx of it", r / t; printf "\n" }'
fi
