#!/usr/bin/env bash
# Trains a small codec and a small ViSAGe on synthetic scenes, in Java, into WORK_DIR/networks (a
# weights folder: `./visage demo --scene --weights WORK_DIR/networks`, `./visage generate --weights`).
# docs/DEMO.md says where this stands (what each step costs here, what the codec reaches so far).
#
#   tools/demo/train-demo-networks.sh [WORK_DIR]     (default: target/demo-work)
#
# Steps: synthetic scenes (training and held-out sets) -> codec trained on the scenes' FOA channels
# -> random CLIP tower -> prepare (codes, CLIP features, energy maps) -> ViSAGe trained -> bundle
# -> held-out evaluation. Every step is seeded; rerunning a finished step is skipped where the
# command supports it (prepare skips finished clips; training runs use --resume).
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
recipe="$root/tools/demo"
work="${1:-$root/target/demo-work}"
visage="$root/visage"
mkdir -p "$work"

TRAIN_SCENES="${TRAIN_SCENES:-600}"
HELDOUT_SCENES="${HELDOUT_SCENES:-40}"
CODEC_STEPS="${CODEC_STEPS:-300}"
MODEL_STEPS="${MODEL_STEPS:-1500}"

step() { printf '\n== %s (%s)\n' "$1" "$(date -u +%H:%M:%S)"; }

step "scenes"
[[ -f "$work/scenes-train/ambi.json" ]] || "$visage" scenes --out "$work/scenes-train" --count "$TRAIN_SCENES" --seed 1
[[ -f "$work/scenes-heldout/ambi.json" ]] || "$visage" scenes --out "$work/scenes-heldout" --count "$HELDOUT_SCENES" --seed 2

step "codec"
resume=(); [[ -d "$work/codec" ]] && resume=(--resume)
"$visage" codec train --audio "$work/scenes-train/foa" --out "$work/codec" \
  --config "$root/examples/src/main/resources/io/visage/examples/codec-16k-small.json" \
  --steps "$CODEC_STEPS" --batch 4 --segment-seconds 0.64 --lr 1e-3 --l1-weight 5 --seed 11 --save-every 100 "${resume[@]}"

step "networks for prepare: the trained codec + a random CLIP tower (random features, never trained)"
nets="$work/networks"
mkdir -p "$nets/dac"
cp "$work/codec/final/weights.safetensors" "$work/codec/final/config.json" "$nets/dac/"
[[ -f "$nets/clip/clip.safetensors" ]] ||
  "$visage" random-weights --network clip --config "$recipe/clip-small.json" --seed 12 --out "$nets/clip"

step "prepare"
"$visage" prepare --videos "$work/scenes-train/video" --foa "$work/scenes-train/foa" \
  --ambi-json "$work/scenes-train/ambi.json" --weights "$nets" --out "$work/data" \
  --valid-fraction 0.02 --test-fraction 0

step "train ViSAGe"
resume=(); ls -d "$work/run"/checkpoint-* >/dev/null 2>&1 && resume=(--resume)
"$visage" train --data "$work/data" --config "$recipe/visage-small.json" --out "$work/run" \
  --steps "$MODEL_STEPS" --batch 8 --accumulate 1 --lr 1e-3 --seed 13 --save-every 250 "${resume[@]}"
last="$(ls -d "$work/run"/checkpoint-* | sort -t- -k2 -n | tail -n1)"
cp "$last/model.safetensors" "$last/config.json" "$nets/"

step "held-out evaluation"
gen="$work/heldout-generated"
mkdir -p "$gen"
for v in "$work/scenes-heldout/video"/*.mp4; do
  id="$(basename "$v" .mp4)"
  [[ -f "$gen/$id.wav" ]] && continue
  cam="$(python3 -c "import json,sys; e,a=json.load(open(sys.argv[1]))[sys.argv[2]]; print(f'{e},{a}')" \
    "$work/scenes-heldout/ambi.json" "$id")"
  "$visage" generate --video "$v" --camera-index "$cam" --weights "$nets" --out "$gen/$id.wav" --top-k 16 --seed 5
done
"$visage" evaluate --generated "$gen" --ground-truth "$work/scenes-heldout/foa" --out "$work/heldout-report.json"
cat "$work/heldout-report.json"
