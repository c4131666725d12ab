#!/usr/bin/env bash
# Regenerates Fixtures/electronic: valid declarations (JSON and DecMessage XML) from the random
# generator, and a few with planted violations, for `validate` demos and tests.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product secondline >&2
bin="$(swift build --show-bin-path)/secondline"
out=Fixtures/electronic
rm -rf "$out" && mkdir -p "$out"
for type in import-declaration export-declaration import-record-list export-record-list; do
  "$bin" generate --seed 2025 --count 1 --form-type "$type" --today 2026-11-29 --prefix "$type" --out "$out"
done
"$bin" convert "$out/import-declaration-2025.json" --to xml -o "$out/import-declaration-2025.xml"
"$bin" convert "$out/export-record-list-2025.json" --to xml -o "$out/export-record-list-2025.xml"
# Planted violations: net above gross, a bad credit code check character, a wrong item total.
python3 - "$out" <<'PY'
import json, sys
out = sys.argv[1]
d = json.load(open(f"{out}/import-declaration-2025.json"))
d["netWeightKg"] = str(float(d["grossWeightKg"]) + 10)
u = d["domesticParty"]["uscc"]; d["domesticParty"]["uscc"] = u[:-1] + ("0" if u[-1] != "0" else "1")
d["items"][0]["totalPrice"] = "1.00"
json.dump(d, open(f"{out}/invalid-import.json", "w"), ensure_ascii=False, indent=2)
PY
printf '{"formType": "import-declaration", "items": [,]}\n' > "$out/malformed.json"
ls -la "$out" >&2
