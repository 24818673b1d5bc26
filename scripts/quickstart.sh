#!/usr/bin/env bash
# Quickstart on a local folder: generate a small synthetic dataset, import it, branch, apply an
# edit batch, diff, tag, verify. Everything stays under ./quickstart-demo (delete it to rerun).
set -euo pipefail
cd "$(dirname "$0")/.."
DEMO="${1:-quickstart-demo}"
rm -rf "$DEMO"
mkdir -p "$DEMO"
verso() { node bin/verso.js --repo "$DEMO/repo" "$@"; }

node dist/bench/gen-cli.js --labels 20000 --seed 7 --out "$DEMO/data" --edits 500
node bin/verso.js init "$DEMO/repo"
verso import labels "$DEMO/data/labels.jsonl" -m "Import 20k synthetic labels"
verso branch create relabel --from main
verso apply "$DEMO/data/edits-500.jsonl" --branch relabel -m "Relabel batch 1"
echo "--- diff main relabel --stat"
verso diff main relabel --stat
echo "--- first changes"
verso diff main relabel --json | head -n 5
verso tag create v1 relabel
echo "--- show v1"
verso show v1
echo "--- log relabel"
verso log relabel -n 3
verso verify
echo "quickstart ok: repository in $DEMO/repo"
