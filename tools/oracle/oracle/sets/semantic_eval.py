"""semantic-eval: the semantic evaluation end to end as evaluate_semantic.py runs it, on a small folder of
generated 4-channel FOA clips and a prepared ground-truth folder (monodecode/ w/ y/ z/ x/ as
data/prepare_test.py writes it), with the tiny VGGish and PaSST of vggish-tiny and passt-tiny (rebuilt
from the same --seed, so their weights are the ones in those sets)."""
import contextlib
import io as _io
import json
import math
import os
import shutil
import tempfile

import numpy as np
import torch
import torchaudio

from .. import common, refs
from ..common import SetWriter
from . import passt_tiny, vggish_tiny

NAME = "semantic-eval"
NEEDS = ["torchvggish", "hear21passt", "audioldm_eval", "visage"]
SUBFOLDERS = ["monodecode", "w", "y", "z", "x"]

SIZES = {
    # (id, generated seconds, ground-truth seconds, elevation index, azimuth index)
    "default": dict(clips=[("clip_a", 5.5, 3.0, 44, 90), ("clip_b", 3.2, 3.0, 30, 17), ("clip_c", 4.0, 2.5, 61, 150)]),
    "alt": dict(clips=[("a1", 2.0, 2.2, 10, 100), ("b2", 5.0, 3.0, 50, 45), ("c3", 3.5, 2.0, 44, 179),
                       ("d4", 4.5, 2.5, 80, 0)]),
}
SR = 16000


def foa_signal(gen, seconds, k):
    """A 4-channel test scene: a few tonal/chirp sources panned to random directions, plus diffuse noise."""
    n = int(round(seconds * SR))
    t = torch.arange(n, dtype=torch.float64) / SR
    out = torch.zeros(4, n, dtype=torch.float64)
    for s in range(3):
        f0 = 120.0 * (1 + s) + 500.0 * float(torch.rand(1, generator=gen))
        src = torch.sin(2 * np.pi * (f0 * t + (80.0 + 60.0 * k) * t * t)) * (0.6 + 0.4 * torch.sin(2 * np.pi * (0.5 + s) * t))
        az = float(torch.rand(1, generator=gen)) * 2 * np.pi
        el = (float(torch.rand(1, generator=gen)) - 0.5) * np.pi
        gains = [1.0, math.cos(el) * math.sin(az), math.sin(el), math.cos(el) * math.cos(az)]
        for c in range(4):
            out[c] += 0.2 * gains[c] * src
    out += 0.02 * torch.randn(4, n, generator=gen, dtype=torch.float64)
    return out.float().clamp(-0.99, 0.99)


def prepare_ground_truth(gt_dir, clip_id, foa, angle):
    """data/prepare_test.py's outputs for one clip (after its resampling to 16 kHz): save_mono (the
    correct formula) and the four single channels; written as 16-bit PCM to keep the set small."""
    PT = refs_prepare_test()
    el, az = angle
    mono = PT.ambi2mono(foa, math.radians(89 - 2 * el), math.radians(az * 2 - 179))
    torchaudio.save(os.path.join(gt_dir, "monodecode", clip_id + ".wav"), mono.unsqueeze(0), SR,
                    channels_first=True, encoding="PCM_S", bits_per_sample=16)
    for c, ch in enumerate(["w", "y", "z", "x"]):
        torchaudio.save(os.path.join(gt_dir, ch, clip_id + ".wav"), foa[c].unsqueeze(0), SR,
                        channels_first=True, encoding="PCM_S", bits_per_sample=16)


def refs_prepare_test():
    import importlib
    return importlib.import_module("data.prepare_test")


def refs_evaluate_semantic():
    import importlib
    pkg = __import__("audioldm_eval")
    pkg.EvaluationHelper = refs.evaluation_helper().EvaluationHelper
    return importlib.import_module("evaluate_semantic")


def prepare_generated(gen_dir, angle_dict):
    """evaluate_semantic.py's preparation loop (its __main__, which also builds a CUDA evaluator): every
    top-level WAV cut/padded to 5 s, save_mono (with its operator-precedence decode) and the four channels."""
    ES = refs_evaluate_semantic()
    wavs = sorted(f for f in os.listdir(gen_dir) if f.endswith(".wav"))
    os.makedirs(os.path.join(gen_dir, "monodecode"), exist_ok=True)
    dirs = [os.path.join(gen_dir, p) for p in ["w", "y", "z", "x"]]
    for d in dirs:
        os.makedirs(d, exist_ok=True)
    for wav in wavs:
        audio, sr = torchaudio.load(os.path.join(gen_dir, wav), channels_first=True)
        if audio.shape[1] >= sr * 5:
            audio = audio[:, : sr * 5]
        else:
            audio = torch.nn.functional.pad(audio, (0, sr * 5 - audio.shape[1]))
        audio = audio.float()
        ES.save_mono(wav, audio, angle_dict, os.path.join(gen_dir, "monodecode"), sr)
        for idx, d in enumerate(dirs):
            torchaudio.save(os.path.join(d, wav), audio[idx].unsqueeze(0), sr, channels_first=True)


def evaluator(seed_base, sizes):
    """EvaluationHelper(16000, cpu) built by its own __init__, with torch.hub.load returning the tiny
    VGGish and hear21passt's get_model_passt returning the tiny PaSST."""
    E = refs.evaluation_helper()
    vz, pz = vggish_tiny.SIZES[sizes], passt_tiny.SIZES[sizes]
    vseed, pseed = seed_base + 909, seed_base + 1010
    common.seed_all(vseed)
    vggish = vggish_tiny.build(vz["config"], postprocess=True, gen=torch.Generator().manual_seed(vseed))
    common.seed_all(pseed)
    net = passt_tiny.build_net(pz["config"])
    passt_tiny.randomize(net, torch.Generator().manual_seed(pseed))
    refs.passt_model().first_RUN = False
    B = refs.passt_base()
    real_hub, real_get = torch.hub.load, B.get_model_passt
    torch.hub.load = lambda *a, **k: vggish
    B.get_model_passt = lambda arch=None, **k: net
    try:
        with contextlib.redirect_stdout(_io.StringIO()):
            ev = E.EvaluationHelper(16000, torch.device("cpu"))
    finally:
        torch.hub.load, B.get_model_passt = real_hub, real_get
    return ev, vggish, net


def generate(out_root, seed, sizes, ref_info):
    z = SIZES[sizes]
    base = seed - 1111
    common.seed_all(seed)
    gen = torch.Generator().manual_seed(seed)
    w = SetWriter(NAME, out_root)
    gen_dir, gt_dir = w.file("generated"), w.file("groundtruth")
    for d in (gen_dir, gt_dir):
        shutil.rmtree(d, ignore_errors=True)
    os.makedirs(gen_dir)
    for s in SUBFOLDERS:
        os.makedirs(os.path.join(gt_dir, s))
    angles = {}
    for k, (cid, gsec, tsec, el, az) in enumerate(z["clips"]):
        angles[cid] = [el, az]
        torchaudio.save(os.path.join(gen_dir, cid + ".wav"), foa_signal(gen, gsec, k), SR, channels_first=True,
                        encoding="PCM_S", bits_per_sample=16)
        prepare_ground_truth(gt_dir, cid, foa_signal(gen, tsec, k + 10), (el, az))
    common.write_json(w.file("ambi.json"), angles)
    ev, _, _ = evaluator(base, sizes)
    results, per = {}, {}
    with tempfile.TemporaryDirectory() as tmp:
        work = os.path.join(tmp, "generated")
        shutil.copytree(gen_dir, work)
        gt_work = os.path.join(tmp, "groundtruth")
        shutil.copytree(gt_dir, gt_work)
        prepare_generated(work, {k: tuple(v) for k, v in angles.items()})
        for sub in SUBFOLDERS:
            buf = _io.StringIO()
            g, t = os.path.join(work, sub), os.path.join(gt_work, sub)
            with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(_io.StringIO()):
                same = ev.get_filename_intersection_ratio(g, t)
                m = ev.calculate_metrics(g, t, same, calculate_psnr_ssim=False)
            per[sub] = m
            results[sub] = refs_evaluate_semantic().metric_to_entry(m)
            w.add(f"{sub}.fad", np.array(m["frechet_audio_distance"], dtype=np.float64), f"frechet_audio_distance of generated/{sub} vs groundtruth/{sub}", "rtol 1e-3, atol 1e-4")
            w.add(f"{sub}.kld_softmax", np.array(m["kullback_leibler_divergence_softmax"], dtype=np.float64), f"kullback_leibler_divergence_softmax of {sub} (paired by file name)", "rtol 1e-3, atol 1e-5")
            w.add(f"{sub}.kld_sigmoid", np.array(m["kullback_leibler_divergence_sigmoid"], dtype=np.float64), f"kullback_leibler_divergence_sigmoid of {sub}", "rtol 1e-3, atol 1e-5")
            emb_g = np.load(g + "_fad_feature_cache.npy")
            emb_t = np.load(t + "_fad_feature_cache.npy")
            w.add(f"{sub}.generated_embeddings", emb_g, f"VGGish FAD embeddings of generated/{sub}, clips in sorted file order [rows, 128]", "rtol 1e-4, atol 1e-4")
            w.add(f"{sub}.groundtruth_embeddings", emb_t, f"the same for groundtruth/{sub}", "rtol 1e-4, atol 1e-4")
        for f in sorted(os.listdir(os.path.join(work, "monodecode"))):
            a, _ = torchaudio.load(os.path.join(work, "monodecode", f))
            w.add(f"monodecode.generated.{os.path.splitext(f)[0]}", a[0], "evaluate_semantic.py's mono decode of the generated clip (5 s; operator-precedence formula) [80000]", "rtol 1e-5, atol 1e-6")
    fads = [per[c]["frechet_audio_distance"] for c in ["w", "y", "z", "x"]]
    klds = [per[c]["kullback_leibler_divergence_softmax"] for c in ["w", "y", "z", "x"]]
    w.add("fad_mean", np.array(sum(fads) / 4, dtype=np.float64), "mean FAD over w, y, z, x (FAD_avg)", "rtol 1e-3, atol 1e-4")
    w.add("kld_mean", np.array(sum(klds) / 4, dtype=np.float64), "mean KLD over w, y, z, x", "rtol 1e-3, atol 1e-5")
    w.write_io()
    results["fad_mean"] = sum(float(results[c]["fad"]) for c in ["w", "y", "z", "x"]) / 4
    results["kld_mean"] = sum(float(results[c]["kld"]) for c in ["w", "y", "z", "x"]) / 4
    common.write_json(w.file("result.json"), results)
    common.write_json(w.file("config.json"), {"sample_rate": SR, "clips": [c[0] for c in z["clips"]],
                                             "vggish": "../vggish-tiny", "passt": "../passt-tiny"})
    fixture = {"seed": seed, "vggish_seed": base + 909, "passt_seed": base + 1010, "sizes": sizes,
               "clips": [dict(zip(["id", "generated_seconds", "groundtruth_seconds", "elevation_index",
                                   "azimuth_index"], c)) for c in z["clips"]],
               "metrics": {k: {kk: (float(vv) if isinstance(vv, (int, float)) else vv) for kk, vv in v.items()
                               if kk in ("frechet_audio_distance", "kullback_leibler_divergence_softmax",
                                         "kullback_leibler_divergence_sigmoid")} for k, v in per.items()},
               "reference": ref_info(["visage", "audioldm_eval", "torchvggish", "hear21passt"])}
    common.write_json(w.file("fixture.json"), fixture)
    w.write_text("README.md", README.format(table=w.table()))
    return w


README = """# semantic-eval: FAD / KLD end to end as evaluate_semantic.py computes them

The folders are run through the reference exactly as `evaluate_semantic.py -a generated -t groundtruth
-ga ambi.json` does, with audioldm_eval's `EvaluationHelper` built by its own `__init__` on the CPU,
`torch.hub.load` answering with the tiny VGGish of `../vggish-tiny` and hear21passt's model factory with the
tiny PaSST of `../passt-tiny` (same seed run, so the weights are the ones stored there).

## Files

| file | content |
| --- | --- |
| `generated/<id>.wav` | generated 4-channel FOA (W, Y, Z, X), 16 kHz, 16-bit PCM, lengths around 5 s (one longer, so it is cut) |
| `groundtruth/{{monodecode,w,y,z,x}}/<id>.wav` | prepared ground truth as `data/prepare_test.py` writes it (mono decode with the correct formula, and the channels), 16 kHz, 16-bit PCM |
| `ambi.json` | `{{id: [elevation_index, azimuth_index]}}` |
| `config.json` | sample rate, clip ids, where the two models are |
| `fixture.json` | seeds, clip table, the reference's metric values |
| `result.json` | what evaluate_semantic.py writes (`metric_to_entry`: 4-decimal strings; `fad_mean`, `kld_mean`) |
| `io.safetensors` | the metric values at full precision and the embeddings (table below) |

## Tensors in `io.safetensors`

{table}

## Notes

- Generated side (evaluate_semantic.py): each top-level WAV cut or zero-padded to 5 s, then `monodecode/`
  via its `ambi2mono` (operator-precedence variant, camera from `ambi.json`: elevation 89 - 2e degrees,
  azimuth 2a - 179 degrees) and the four channels as single-channel float WAVs.
- Each of the five sub-folder pairs: `EvaluationHelper.calculate_metrics(gen, gt, same_name,
  calculate_psnr_ssim=False)`: FAD on VGGish embeddings (WaveDataset at 16 kHz: first channel, minus its
  mean, resampled if needed, padded to >= 32000 samples), KL on PaSST logits (WaveDataset at 32 kHz with
  torchaudio's default resampling, then padded/cut to 320000), paired by file name.
- `fad_mean` / `kld_mean` are means over w, y, z, x. Paper names: FAD_dec = monodecode.fad,
  KLD_dec = monodecode.kld_softmax, FAD_avg = fad_mean.
- Tolerances: the metrics are computed from float32 network outputs; a Java port with ~1e-5 embedding
  differences changes them in the 4th-5th significant digit.
"""
