"""energy-map: data/infer_clip_energy.py compute_cossim_score, compute_energy_map, top_p_filtering
(the same call sequence as the script's __main__ block)."""
import json
import os

import numpy as np
import torch

from .. import common, refs
from ..common import SetWriter

NAME = "energy-map"

SIZES = {
    "default": dict(height=7, width=7, C=24, cases=[("main", 6), ("t1", 1), ("t2", 2)]),
    "alt": dict(height=5, width=6, C=20, cases=[("main", 9), ("t1", 1), ("t2", 2)]),
}
TEMPERATURE, TOP_P = 0.1, 0.7
MARGIN_MIN = 5e-4


def run(feat, h, w):
    E = refs.energy()
    with torch.no_grad():
        scores = E.compute_cossim_score(feat, height=h, width=w)
        energy_map = E.compute_energy_map(scores, temperature=TEMPERATURE)
        filtered_scores = E.top_p_filtering(energy_map, scores, TOP_P)
        filtered_energy_map = E.compute_energy_map(filtered_scores)
    removed = torch.isinf(filtered_scores[0]).reshape(feat.shape[0], -1).to(torch.uint8)
    # closest cumulative (ascending) energy to the 1 - top_p threshold: the safety of the removals
    cum = torch.cumsum(torch.sort(energy_map, descending=False)[0], dim=-1)
    margin = float((cum - (1 - TOP_P)).abs().min())
    return dict(spatial_score=scores[0], temporal_score=scores[1], energy_map=energy_map,
                filtered_spatial_score=filtered_scores[0], filtered_temporal_score=filtered_scores[1],
                removed=removed, final_energy_map=filtered_energy_map), margin


def generate(out_root, seed, sizes, ref_info):
    z = SIZES[sizes]
    h, wd, C = z["height"], z["width"], z["C"]
    hw = h * wd
    common.seed_all(seed)
    gen = torch.Generator().manual_seed(seed)
    w = SetWriter(NAME, out_root)
    cases, margins = {}, {}
    tol = "rtol 1e-4, atol 1e-5"
    for case, T in z["cases"]:
        for _ in range(100):  # redraw until no cumulative energy is within MARGIN_MIN of the threshold
            feat = torch.randn(T, 1 + hw, C, generator=gen)
            r, margins[case] = run(feat, h, wd)
            if margins[case] >= MARGIN_MIN:
                break
        else:
            raise RuntimeError("energy-map: no input with safe top-p decisions")
        cases[case] = {"T": T, "C": C}
        w.add(f"{case}.features", feat, f"input patch features [T={T}, {hw + 1}, C={C}] (token 0 = class token, tokens 1..{hw} = {h}x{wd} patches row-major)", "(input)")
        w.add(f"{case}.spatial_score", r["spatial_score"], f"compute_cossim_score(...)[0] [T, {h}, {wd}]: \\|\\| n(f) - n(mean of 4-neighbours) \\|\\| with n = L2-normalise (edge patches average over the neighbours that exist)", tol)
        w.add(f"{case}.temporal_score", r["temporal_score"], f"compute_cossim_score(...)[1] [T, {h}, {wd}]: \\|\\| n(f_t) - n(temporal average) \\|\\|; average of frames t-1 and t+1 in the interior, frame t+1 only for t = 0, frame t-1 only for t = T-1; for T = 1 the average is 0 (normalises to 0, score = 1)", tol)
        w.add(f"{case}.energy_map", r["energy_map"], f"compute_energy_map(scores, temperature=0.1) [T, {hw}]: mean over the two scores of softmax(score / 0.1) over the {hw} patches", tol)
        w.add(f"{case}.filtered_spatial_score", r["filtered_spatial_score"], f"top_p_filtering(energy_map, scores, 0.7)[0] [T, {h}, {wd}]: -inf where the patch is removed", tol)
        w.add(f"{case}.filtered_temporal_score", r["filtered_temporal_score"], f"top_p_filtering(...)[1] [T, {h}, {wd}]", tol)
        w.add(f"{case}.removed", r["removed"], f"1 where a patch was removed by top-p filtering [T, {hw}] (derived from filtered_spatial_score)", "exact")
        w.add(f"{case}.final_energy_map", r["final_energy_map"], f"compute_energy_map(filtered scores) with the default temperature 0.1 [T, {hw}]: the ViSAGe energy_map input (removed patches get exactly 0)", tol)
    w.write_io()
    common.write_json(w.file("config.json"), {"height": h, "width": wd, "temperature": TEMPERATURE, "top_p": TOP_P,
                                              "final_temperature": TEMPERATURE})
    common.write_json(w.file("fixture.json"), {"seed": seed, "variant": "public", "cases": cases,
                                               "min_abs_cumsum_minus_threshold": margins,
                                               "reference": ref_info(["visage", "dac", "clip"])})
    w.write_text("README.md", f"""# energy-map: visual energy map from CLIP patch features

The ViSAGe visual energy map (`data/infer_clip_energy.py`): from per-frame CLIP token
features [T, {hw + 1}, C] (class token + {h}x{wd} patch tokens, transformer output without
ln_post), a spatial and a temporal novelty score per patch, an energy map (softmax of
score / 0.1, averaged over the two scores), top-p filtering (p = 0.7) of the scores and
the final filtered energy map [T, {hw}] that the generator consumes.

## Files

{common.FILES_HEAD}
{common.ROW_CONFIG.format("parameters used by the script")}
{common.ROW_FIXTURE}
{common.ROW_IO}

## Tensors in `io.safetensors`

{w.table()}

## Notes

- Top-p filtering: sort the energy map ascending, cumulative sum, remove every patch whose cumulative energy (in ascending order, including itself) is <= 1 - top_p = 0.3; the mask is applied to both scores before the final softmax. `fixture.json` lists the closest cumulative sum to the 0.3 threshold, i.e. how safe the removal decisions are.
- F.normalize uses eps 1e-12: a zero vector stays zero.
- -inf values are stored as IEEE-754 negative infinity in float32.
""")
    return w


def recheck(set_dir, report):
    cfg = json.load(open(os.path.join(set_dir, "config.json")))
    fx = json.load(open(os.path.join(set_dir, "fixture.json")))
    io, _ = common.read_safetensors(os.path.join(set_dir, "io.safetensors"))
    for case in fx["cases"]:
        r, m = run(torch.from_numpy(io[f"{case}.features"]), cfg["height"], cfg["width"])
        for k, v in r.items():
            report(f"{case}.{k}", v, io[f"{case}.{k}"])
        report(f"fixture min_abs_cumsum_minus_threshold.{case}", np.array(m),
               np.array(fx["min_abs_cumsum_minus_threshold"][case]), "rtol 1e-3")
