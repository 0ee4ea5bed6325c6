#!/usr/bin/env bash
# Golden frames for FfmpegFrameSourceTest: runs the reference's extraction (data/infer_clip.py through
# ffmpeg-python) with the ffmpeg command line on every clip here and writes, per clip, CLIP.golden:
# the command, then one SHA-256 per 224x224 rgb24 frame. The scale is computed from the upright size
# (width/height swapped for a 90/270 degree display rotation), as visage4j does.
# Needs ffmpeg/ffprobe 5.1 (Debian 12: apt-get install ffmpeg). Tests never run this.
set -euo pipefail
cd "$(dirname "$0")"
size=224
raw="$(mktemp)"
trap 'rm -f "$raw"' EXIT
golden() {  # golden IN OUT
  local in="$1" out="$2" w h rot
  w=$(ffprobe -v error -select_streams v:0 -show_entries stream=width -of default=nw=1:nk=1 "$in" | head -n1)
  h=$(ffprobe -v error -select_streams v:0 -show_entries stream=height -of default=nw=1:nk=1 "$in" | head -n1)
  rot=$(ffprobe -v error -select_streams v:0 -show_entries stream_side_data=rotation -of default=nw=1:nk=1 "$in" | head -n1)
  if [[ "${rot#-}" == 90 || "${rot#-}" == 270 ]]; then local t=$w; w=$h; h=$t; fi
  local sw sh
  if (( w < h )); then sw=$size; sh=$(( size * h / w )); else sh=$size; sw=$(( size * w / h )); fi
  local x=$(( (sw - size) / 2 )) y=$(( (sh - size) / 2 ))
  local cmd=(ffmpeg -v error -i "$in" -filter_complex "[0]fps=fps=4[s0];[s0]scale=$sw:$sh[s1];[s1]crop=$size:$size:$x:$y[s2]"
             -map "[s2]" -f rawvideo -pix_fmt rgb24 pipe:)
  "${cmd[@]}" > "$raw"
  local n=$(( $(stat -c %s "$raw") / (size * size * 3) ))
  {
    echo "# ${cmd[*]}"
    echo "# frames $n, size $size"
    for (( i = 0; i < n; i++ )); do
      dd if="$raw" bs=$(( size * size * 3 )) skip=$i count=1 status=none | sha256sum | cut -d' ' -f1
    done
  } > "$out"
  echo "$in: $n frames"
}
for f in *.mp4 *.mkv *.webm *.avi *.mov; do
  [[ "$f" == too-short.mp4 ]] && continue
  golden "$f" "$f.golden"
done
golden ../smptebars-640x360-25fps-high.mp4 smptebars-640x360-25fps-high.mp4.golden
