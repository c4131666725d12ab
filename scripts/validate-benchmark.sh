#!/usr/bin/env bash
# Decodes and validates 10,000 generated JSON declarations (1–50 items each) in one thread,
# pinned to one core, and prints declarations per second. Usage: scripts/validate-benchmark.sh [COUNT]
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-10000}
swift build --product secondline >&2
swift build -c release --product validate-benchmark >&2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$(swift build --show-bin-path)/secondline" generate --seed 1 --count "$count" --uniform-items --today 2026-11-29 > "$work/decls.jsonl"
printf 'input: %d declarations, %d items, %.1f MB of JSON\n' "$count" "$(grep -o '"itemNumber"' "$work/decls.jsonl" | wc -l)" \
  "$(echo "$(wc -c < "$work/decls.jsonl") / 1048576" | bc -l)"
pin=""
command -v taskset >/dev/null && pin="taskset -c 0"
$pin "$(swift build -c release --show-bin-path)/validate-benchmark" "$work/decls.jsonl"
