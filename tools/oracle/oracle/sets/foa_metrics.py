"""foa-metrics: evaluate_spatial.py AmbiDecomposition / er_sphere_sample, utils/view_video.py
spherical harmonics, utils/wild_360.py CorrCoeff / AUC_Judd; the ground-truth map files come from
running data/prepare_gt_energy_map.py and the per-clip scores from running evaluate_spatial.py
(both as scripts, in a subprocess, on WAV files written here)."""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import scipy.io.wavfile
import torch
import torchaudio

from .. import common, refs
from ..common import SetWriter

NAME = "foa-metrics"
CASES = ["random", "plane1", "plane2", "mixture"]

SIZES = {
    "default": dict(T=2400, plane1=(50, 40), plane2=(1.0, 0.3),
                    pairs=[("random", "plane1"), ("plane1", "plane1"), ("plane1", "plane2"), ("mixture", "plane1"),
                           ("plane2", "mixture")], jitter_pairs=[0, 3], sr=1000, gt_n=5300, eval_n=4700),
    "alt": dict(T=1800, plane1=(30, 120), plane2=(-2.0, -0.4),
                pairs=[("random", "plane1"), ("plane1", "plane1"), ("plane1", "plane2"), ("mixture", "plane1"),
                       ("plane2", "mixture"), ("random", "mixture")], jitter_pairs=[2, 5], sr=600, gt_n=2600,
                eval_n=3350),  # the ground truth is the shorter clip here: its padding makes silent windows
}


def sh(phi, nu):
    vv = refs.view_video()
    return vv.spherical_harmonics_matrix([vv.Position(phi, nu, 1.0)], 1)[0]


RUNNER = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "run_script.py")


def env(exact=False):
    e = dict(os.environ)
    if exact:
        e["ORACLE_EXACT_AUDIO"] = "1"
    e["PYTHONPATH"] = os.pathsep.join([refs.SHIMS, e.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return e


def write_wav(path, x_cn, sr):
    scipy.io.wavfile.write(path, sr, np.ascontiguousarray(x_cn.T.astype(np.float32)))


def run_gt_script(wav_dir, out_dir, exact=False):
    script = refs.path("visage", "data", "prepare_gt_energy_map.py")
    p = subprocess.run([sys.executable, RUNNER, script, "--gt_audio_path", wav_dir, "--save_path", out_dir],
                       cwd=refs.path("visage"), env=env(exact), capture_output=True, text=True)
    if p.returncode:
        raise RuntimeError(p.stderr)


def run_eval_script(gen_dir, gt_map_dir, result, exact=False):
    script = refs.path("visage", "evaluate_spatial.py")
    p = subprocess.run([sys.executable, RUNNER, script, "-a", gen_dir, "-r", result, "-ga", gt_map_dir],
                       cwd=refs.path("visage"), env=env(exact), capture_output=True, text=True)
    if p.returncode:
        raise RuntimeError(p.stderr)
    msgs = [l for l in p.stdout.splitlines() if l.startswith("Skipping") or l.startswith("Error")]
    return msgs


def analyse(audio):
    """[1, T, 4] float32 -> energy map, argmax, sampled (reference AmbiDecomposition, er_sphere_sample)."""
    es = refs.evaluate_spatial()
    decom = analyse.decom = getattr(analyse, "decom", None) or es.AmbiDecomposition()
    x = torch.from_numpy(audio)
    emap = decom.get_energy_map(x)[0]
    arg = decom.forward(x)[0]
    return np.ascontiguousarray(emap), np.array(arg, dtype=np.int64), es.er_sphere_sample(emap)


def generate(out_root, seed, sizes, ref_info):
    z = SIZES[sizes]
    es, vv, w360 = refs.evaluate_spatial(), refs.view_video(), refs.wild_360()
    common.seed_all(seed)
    gen = torch.Generator().manual_seed(seed)
    decom = es.AmbiDecomposition()
    phi_mesh, nu_mesh = vv.spherical_grid(2.0)
    phi_rg, nu_rg = phi_mesh[0], nu_mesh[:, 0]
    T = z["T"]
    r1, c1 = z["plane1"]
    p1 = (float(phi_rg[c1]), float(nu_rg[r1]))
    p2 = z["plane2"]
    sig = lambda: torch.randn(T, generator=gen).numpy().astype(np.float64)  # noqa: E731
    audio = {}
    audio["random"] = (0.1 * torch.randn(1, T, 4, generator=gen)).numpy()
    s1 = sig()
    audio["plane1"] = (s1[:, None] * sh(*p1)[None, :])[None].astype(np.float32)
    audio["plane2"] = (sig()[:, None] * sh(*p2)[None, :])[None].astype(np.float32)
    s2 = sig()
    noise = 0.05 * torch.randn(T, 4, generator=gen).numpy()
    audio["mixture"] = (s1[:, None] * sh(*p1)[None, :] + 0.5 * s2[:, None] * sh(*p2)[None, :] + noise)[None].astype(np.float32)
    res = {c: analyse(audio[c]) for c in CASES}
    w = SetWriter(NAME, out_root)
    w.add("grid.phi", phi_rg, "azimuth per grid column [180] (radians): flip(arange(-180, 180, 2)) * pi / 180, i.e. 178 deg down to -180 deg", "rtol 1e-12")
    w.add("grid.nu", nu_rg, "elevation per grid row [90] (radians) BEFORE the map's vertical flip: arange(-90, 90, 2) * pi / 180", "rtol 1e-12")
    w.add("sh_matrix", decom.matrix, "spherical_harmonics_matrix(grid positions, 1).T as float32 [4, 16200]; grid position k = (row k // 180, col k % 180); columns: [1, sqrt2 cos(nu) sin(phi), sin(nu), sqrt2 cos(nu) cos(phi)]", "rtol 1e-6, atol 1e-7")
    audio_meaning = {
        "random": f"random 4-channel audio [1, {T}, 4] (time-major, channels W, Y, Z, X)",
        "plane1": f"plane wave from a grid direction: signal * Y(phi, nu) [1, {T}, 4]; direction in fixture.json",
        "plane2": f"plane wave from an off-grid direction [1, {T}, 4]",
        "mixture": "plane1 source + a second independent source (half amplitude) from the plane2 direction + noise",
    }
    for c in CASES:
        emap, arg, samp = res[c]
        w.add(f"{c}.audio", audio[c], audio_meaning[c], "(input)")
        w.add(f"{c}.energy_map", emap, "AmbiDecomposition.get_energy_map: sqrt(mean_t((x @ sh_matrix)^2)) reshaped [90, 180], then flipped vertically (row 0 = +88 deg elevation ... row 89 = -90 deg) (float32)", "rtol 1e-4, atol 1e-5")
        w.add(f"{c}.argmax", arg, "AmbiDecomposition.forward: [row, col] of the maximum of the flipped map (first occurrence in row-major order)", "exact")
        w.add(f"{c}.sampled", samp, "er_sphere_sample(energy_map): equal-area resampling, 1-D float64 (row e contributes round(180 * sin(pi * (e + 0.5) / 90)) samples)", "rtol 1e-5, atol 1e-7")
    w.add("plane1.direction", np.array(p1), "[phi (azimuth), nu (elevation)] in radians of plane1 (grid row/col in fixture.json, before flip)", "rtol 1e-12")
    w.add("plane1.sh", sh(*p1), "spherical_harmonics_matrix([direction], 1)[0]: the encoding gains [4] (float64)", "rtol 1e-12")
    w.add("plane2.direction", np.array(p2, dtype=np.float64), "[phi, nu] in radians of plane2", "rtol 1e-12")
    w.add("plane2.sh", sh(*p2), "encoding gains of plane2 [4] (float64)", "rtol 1e-12")
    idx = {c: i for i, c in enumerate(CASES)}
    pairs = np.array([[idx[a], idx[b]] for a, b in z["pairs"]], dtype=np.int64)
    samp = [res[c][2] for c in CASES]
    corr = np.array([w360.CorrCoeff(samp[a].copy(), samp[b].copy()) for a, b in pairs])
    aucn = np.array([w360.AUC_Judd(samp[a].copy(), samp[b].copy(), jitter=False) for a, b in pairs])
    jp = z["jitter_pairs"]
    auc, noises = [], {}
    for k in jp:
        a, b = pairs[k]
        np.random.seed(seed + k)
        auc.append(w360.AUC_Judd(samp[a].copy(), samp[b].copy()))
        np.random.seed(seed + k)
        noises[k] = np.random.randn(samp[a].shape[0]) / 1e7
    n_pairs = len(pairs)
    w.add("metrics.pairs", pairs, f"metric pairs as indices into [random, plane1, plane2, mixture] of (saliency map, fixation/ground-truth map), applied to the `*.sampled` vectors", "exact")
    w.add("metrics.corr", corr, "CorrCoeff(saliency, gt) per pair (Pearson correlation after z-scoring; float64)", "rtol 1e-9, atol 1e-9 (from identical sampled maps); 1e-5 end-to-end")
    w.add("metrics.auc_judd_nojitter", aucn, "AUC_Judd(saliency, gt, jitter=False) per pair (float64)", "1e-9 (from identical sampled maps); 1e-4 end-to-end")
    w.add("metrics.auc_judd_jitter_pairs", np.array(jp, dtype=np.int64), "pair indices for which the jittered AUC is recorded", "exact")
    w.add("metrics.auc_judd", np.array(auc), "AUC_Judd(saliency, gt) with the default jitter=True (the evaluation default) for the pairs in metrics.auc_judd_jitter_pairs; the noise used is metrics.jitter_noise.K", "1e-9 when adding the recorded noise")
    for k in jp:
        w.add(f"metrics.jitter_noise.{k}", noises[k], "noise added by AUC_Judd's jitter for pair K: randn(len) / 1e7 (NumPy RNG; not reproducible elsewhere, hence recorded)", "exact")

    # ground-truth map files and per-clip scores, by running the reference scripts on WAV files
    sr = z["sr"]

    def clip_audio(n, ph, nu):
        """a source moving slowly around (ph, nu) plus a weaker fixed one and noise; [4, n], |x| < 1
        (the WAV reader clips at 1)"""
        t = torch.arange(n, dtype=torch.float64).numpy() / sr
        src = torch.randn(n, generator=gen, dtype=torch.float64).numpy() * (1 + 0.5 * np.sin(2 * np.pi * t / 0.7))
        src2 = torch.randn(n, generator=gen, dtype=torch.float64).numpy()
        x = np.stack([src[i] * sh(ph + 0.3 * np.sin(t[i]), nu) for i in range(n)])
        x = x + 0.4 * src2[:, None] * sh(ph + 2.0, -nu)[None, :]
        x = x + 0.1 * torch.randn(n, 4, generator=gen, dtype=torch.float64).numpy()
        return (x / np.abs(x).max() * 0.9).T.astype(np.float32)

    ph0 = float(torch.rand(1, generator=gen)) * 6.28 - 3.14
    nu0 = float(torch.rand(1, generator=gen)) * 1.6 - 0.8
    gt_src = clip_audio(z["gt_n"], ph0, nu0)
    ev_src = clip_audio(z["eval_n"], ph0 + 0.2, nu0 - 0.1)
    with tempfile.TemporaryDirectory() as d:
        for sub in ("gt", "gtmap", "gen"):
            os.makedirs(os.path.join(d, sub))
        write_wav(os.path.join(d, "gt", "clip.wav"), gt_src, sr)
        write_wav(os.path.join(d, "gen", "clip.wav"), ev_src, sr)
        gt_loaded = torchaudio.load(os.path.join(d, "gt", "clip.wav"), channels_first=True)[0].numpy()
        ev_loaded = torchaudio.load(os.path.join(d, "gen", "clip.wav"), channels_first=True)[0].numpy()
        run_gt_script(os.path.join(d, "gt"), os.path.join(d, "gtmap"))
        npz = np.load(os.path.join(d, "gtmap", "clip.npz"))
        gt_maps = {k: npz[k] for k in ("map", "map_1fps", "map_5fps")}
        np.random.seed(seed)
        msgs = run_eval_script(os.path.join(d, "gen"), os.path.join(d, "gtmap"), os.path.join(d, "metrics", "result.json"))
        dicts = {}
        for name in ("corr_dict", "auc_j_dict", "corr_1_dict", "auc_j_1_dict", "corr_5_dict", "auc_j_5_dict"):
            dicts[name] = json.load(open(os.path.join(d, "gen", name + ".json")))["clip"]
        result = json.load(open(os.path.join(d, "metrics", "result.json")))
    w.add("gt.audio", gt_loaded, f"ground-truth clip as loaded (channels-first [4, N], N = {z['gt_n']}, sample rate {sr}); the script truncates/zero-pads it to 5 s", "(input)")
    w.add("gt.map", gt_maps["map"], "npz key 'map': er_sphere_sample of the energy map of the whole 5 s (float64)", "rtol 1e-5, atol 1e-7")
    w.add("gt.map_1fps", gt_maps["map_1fps"], "npz key 'map_1fps': one sampled map per 1 s chunk (audio.view(-1, sr, 4)) [5, L] (float64)", "rtol 1e-5, atol 1e-7")
    w.add("gt.map_5fps", gt_maps["map_5fps"], "npz key 'map_5fps': one sampled map per chunk of sr // 5 samples [25, L] (float64)", "rtol 1e-5, atol 1e-7")
    w.add("eval.audio", ev_loaded, f"generated clip evaluated against gt (channels-first [4, N], N = {z['eval_n']}, sample rate {sr})", "(input)")
    w.add("eval.scores", np.array(list(dicts.values()), dtype=np.float64), "evaluation scores for the clip, in order: corr (whole clip), auc_judd (whole), corr_1fps (mean over 5 chunks), auc_judd_1fps, corr_5fps (mean over 25 chunks), auc_judd_5fps (float64; AUC values include the random jitter)", "atol 1e-4")
    w.write_io()
    common.write_json(w.file("config.json"), {"angular_res_deg": 2.0, "ambi_order": 1, "grid_shape": [90, 180],
                                              "clip_seconds": 5})
    fixture = {
        "seed": seed, "variant": "public",
        "plane1": {"grid_row": r1, "grid_col": c1, "phi": p1[0], "nu": p1[1]},
        "plane2": {"phi": p2[0], "nu": p2[1]},
        "metric_pairs": [list(p) for p in z["pairs"]],
        "jitter_seeds": {str(k): seed + k for k in jp},
        "sampled_length": int(samp[0].shape[0]),
        "gt_sample_rate": sr,
        "eval_scores": dicts,
        "eval_result_json": result,
        "eval_messages": msgs,
        "reference": ref_info(["visage", "dac", "clip"]),
    }
    common.write_json(w.file("fixture.json"), fixture)
    w.write_text("README.md", README_HEAD + w.table() + README_NOTES)
    return w


README_HEAD = f"""# foa-metrics: ambisonic energy maps and saliency metrics of the spatial evaluation

Spatial evaluation of first-order ambisonics (ACN channel order W, Y, Z, X): decoding to
a 2-degree equirectangular grid with the real spherical-harmonic matrix used by the
evaluation, RMS energy maps, the equal-area resampling `er_sphere_sample`, the saliency
metrics CorrCoeff and AUC_Judd, and the ground-truth map files (whole clip, 1 fps, 5 fps)
written by the ground-truth preparation script, plus the resulting evaluation scores.

## Files

{common.FILES_HEAD}
{common.ROW_CONFIG.format("evaluation constants")}
{common.ROW_FIXTURE}
{common.ROW_IO}

## Tensors in `io.safetensors`

"""

README_NOTES = """

## Notes

- Grid: phi_mesh, nu_mesh = meshgrid(phi, nu) with shape [90, 180]; position k of the 16200 = row-major over (nu row, phi column). The energy map is reshaped to [90, 180] and then flipped up-down (np.flipud), so map row 0 is the highest elevation (+88 deg) and row 89 is -90 deg; column 0 is azimuth +178 deg, column 179 is -180 deg.
- Spherical harmonics (as coded): Y_nm = (-1)^m * sqrt(2 - [m==0] * (n-|m|)!/(n+|m|)!) * lpmv(|m|, n, sin(nu)) * (cos(|m| phi) if m >= 0 else sin(|m| phi)); the factorial ratio only enters for m == 0, so both m = +-1 get sqrt(2). With SciPy's Condon-Shortley phase this evaluates to [1, sqrt2 cos(nu) sin(phi), sin(nu), sqrt2 cos(nu) cos(phi)] for ACN 0..3.
- Because X/Y carry sqrt(2) but Z does not, the decoded map of a plane wave peaks at azimuth phi0 but at an elevation pulled toward the horizon: tan(nu_peak) = tan(nu0) / 2 (see plane1.argmax vs plane1.direction).
- er_sphere_sample: for each map row e (H = 90, W = 180): R = sin(pi (e + 0.5) / H), S = round(W R) (NumPy round-half-even), sample = np.interp(arange(S) * (W - 0.5 W / S) / S, arange(W), row, period=360). NOTE period=360 although the row has 180 samples: x in (179, 180) interpolates between row[179] at 179 and row[0] at 360. Output = concatenation of all rows' samples (float64).
- CorrCoeff(a, b): z-score both (np.std = population std), then sum(a'b') / sqrt(sum(a'^2) sum(b'^2)).
- AUC_Judd(s, f, jitter): optional s += randn(len(s)) / 1e7; s = (s - min) / (max - min); Sth = s[f > max(f) - std(f)]; thresholds = Sth sorted descending; tp[i+1] = i / Nfix (NOTE: i, not i + 1), fp[i+1] = (count(s >= thresh_i) - i) / (Npix - Nfix), tp[0] = fp[0] = 0, tp[-1] = fp[-1] = 1; score = np.trapz(tp, fp).
- Evaluation: audio is truncated or zero-padded to 5 s, maps for the whole clip, for 1 s chunks (view(-1, sr, 4)) and for sr // 5 chunks; the per-clip 1fps / 5fps scores are means over chunks; a chunk is skipped when its CorrCoeff or AUC is NaN (an all-zero chunk, e.g. from zero-padding, has std 0 -> NaN correlation; `fixture.json` `eval_messages` lists the skips). NOTE: AUC_Judd with jitter=False on a constant saliency map normalises to all-NaN and the reference then calls exit(); the evaluation only survives silent chunks because of the default jitter. `eval.scores` holds the six per-clip values; `fixture.json` also has the aggregated result.json (4-decimal strings).
"""


def recheck(set_dir, report):
    es, w360 = refs.evaluate_spatial(), refs.wild_360()
    io, _ = common.read_safetensors(os.path.join(set_dir, "io.safetensors"))
    fx = json.load(open(os.path.join(set_dir, "fixture.json")))
    report("sh_matrix", es.AmbiDecomposition().matrix, io["sh_matrix"])
    samp = []
    for c in CASES:
        emap, arg, s = analyse(io[f"{c}.audio"])
        report(f"{c}.energy_map", emap, io[f"{c}.energy_map"])
        report(f"{c}.argmax", arg, io[f"{c}.argmax"])
        report(f"{c}.sampled", s, io[f"{c}.sampled"])
        samp.append(s)
    for c in ("plane1", "plane2"):
        report(f"{c}.sh", sh(*io[f"{c}.direction"]), io[f"{c}.sh"])
    pairs = io["metrics.pairs"]
    report("metrics.corr", np.array([w360.CorrCoeff(samp[a].copy(), samp[b].copy()) for a, b in pairs]), io["metrics.corr"], "1e-5")
    report("metrics.auc_judd_nojitter", np.array([w360.AUC_Judd(samp[a].copy(), samp[b].copy(), jitter=False) for a, b in pairs]), io["metrics.auc_judd_nojitter"], "1e-4")
    for i, k in enumerate(io["metrics.auc_judd_jitter_pairs"]):
        a, b = pairs[k]
        np.random.seed(fx["jitter_seeds"][str(int(k))])
        report(f"metrics.auc_judd[{i}]", np.array(w360.AUC_Judd(samp[a].copy(), samp[b].copy())), io["metrics.auc_judd"][i:i + 1], "1e-4")
    sr = fx["gt_sample_rate"]
    with tempfile.TemporaryDirectory() as d:
        for sub in ("gt", "gtmap", "gen"):
            os.makedirs(os.path.join(d, sub))
        for sub, key in (("gt", "gt.audio"), ("gen", "eval.audio")):
            write_wav(os.path.join(d, sub, "clip.wav"), io[key], sr)
            np.save(os.path.join(d, sub, "clip.wav.npy"), io[key])  # exact samples (values beyond +-1)
        run_gt_script(os.path.join(d, "gt"), os.path.join(d, "gtmap"), exact=True)
        npz = np.load(os.path.join(d, "gtmap", "clip.npz"))
        for k in ("map", "map_1fps", "map_5fps"):
            report(f"gt.{k}", npz[k], io[f"gt.{k}"])
        run_eval_script(os.path.join(d, "gen"), os.path.join(d, "gtmap"), os.path.join(d, "metrics", "result.json"),
                        exact=True)
        vals = [json.load(open(os.path.join(d, "gen", n + ".json")))["clip"] for n in
                ("corr_dict", "auc_j_dict", "corr_1_dict", "auc_j_1_dict", "corr_5_dict", "auc_j_5_dict")]
    report("eval.scores", np.array(vals), io["eval.scores"])
