#!/usr/bin/env bash
# Quickstart on a local folder: generate a small synthetic dataset, import it, branch, apply an
# edit batch, diff, tag, merge (with a conflict decided by hand), query with --where, export to
# COCO and back, verify. Everything stays under ./quickstart-demo (delete it to rerun).
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
echo "--- merge: main also moves one box that relabel changed -> one conflict, decided by hand"
node -e '
  const fs = require("fs");
  const put = fs.readFileSync(process.argv[1], "utf8").split("\n").map((l) => l && JSON.parse(l))
    .find((o) => o && o.op === "put" && Array.isArray(o.bbox));
  put.bbox[0] += 7;
  fs.writeFileSync(process.argv[2], JSON.stringify(put) + "\n");
' "$DEMO/data/edits-500.jsonl" "$DEMO/data/main-edit.jsonl"
verso apply "$DEMO/data/main-edit.jsonl" --branch main -m "Move one box on main"
if verso merge relabel --into main; then
  echo "merged without conflicts"
else
  verso merge status --into main | head -n 8
  verso merge resolve --all --theirs --into main
  verso merge commit --into main -m "Merge relabel (conflict: take relabel's box)"
fi
verso show main | tail -n 2
echo "--- query: approved person labels, and labels changed since v1's parent"
verso count main --where 'class = person and review.status = approved'
verso count main --where 'changed_since(v1~1)'
echo "--- how the planner answers a filter (the repository keeps secondary indexes per commit)"
verso count main --where 'annotator = ann_95 and review.status = approved' --explain
echo "--- blame: which commit introduced and last changed each label of one image"
verso blame 00000001 --ref main
echo "--- record the images (header-only stand-ins here) so exports can give every image its size"
node --input-type=module -e '
  import { mkdirSync, writeFileSync } from "node:fs";
  import { planImages, imageSize } from "./dist/bench/gen-image-plan.js";
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    for (let k = 0; k < 8; k++) n = n & 1 ? 0xedb88320 ^ (n >>> 1) : n >>> 1;
    return n >>> 0;
  });
  const crc = (b) => { let c = ~0; for (const x of b) c = crcTable[(c ^ x) & 255] ^ (c >>> 8); return ~c >>> 0; };
  const dir = process.argv[1];
  mkdirSync(dir, { recursive: true });
  const plan = planImages(7, 20000);
  for (let i = 1; i <= plan.images; i++) {
    const [w, h] = imageSize(plan, i);
    const ihdr = Buffer.alloc(17);
    ihdr.write("IHDR");
    ihdr.writeUInt32BE(w, 4);
    ihdr.writeUInt32BE(h, 8);
    ihdr.set([8, 2, 0, 0, 0], 12);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(13);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(ihdr));
    const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    writeFileSync(`${dir}/${String(i).padStart(8, "0")}.png`, Buffer.concat([sig, len, ihdr, sum]));
  }
' "$DEMO/images"
verso add images --reference "$DEMO/images" -m "Record the images"
echo "--- export to COCO and import it into a new branch: same labels"
verso export main --format coco --out "$DEMO/main-coco.json"
verso branch create from-coco --from main
verso import coco "$DEMO/main-coco.json" --branch from-coco -m "Round trip through COCO"
verso diff main from-coco --stat
verso verify
echo "quickstart ok: repository in $DEMO/repo"
