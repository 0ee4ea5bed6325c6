"""vggish-tiny: torchvggish (harritaylor/torchvggish, what audioldm_eval's FrechetAudioDistance loads
with torch.hub) on a seeded VGG of reduced width: the numpy log-mel front end
(vggish_input.waveform_to_examples), every layer of the VGG, the embeddings as the FAD uses them
(postprocess off, last ReLU removed), with the ReLU, and the PCA/quantisation postprocessor."""
import json
import os

import numpy as np
import torch
from torch import nn

from .. import common, refs
from ..common import SetWriter

NAME = "vggish-tiny"
NEEDS = ["torchvggish", "audioldm_eval"]

# the reference VGG is [64, M, 128, M, 256, 256, M, 512, 512, M] -> 4096 -> 4096 -> 128; the tiny one
# keeps the layer pattern, the 96 x 64 examples (4 pools -> 6 x 4) and the 128-d embedding (the
# postprocessor's PCA is fixed at 128)
SIZES = {
    "default": dict(config=dict(layers=[8, "M", 16, "M", 24, 24, "M", 32, 32, "M"], hidden=48, embedding=128),
                    clips=[80000, 32000, 41234, 15990]),
    "alt": dict(config=dict(layers=[6, "M", 12, "M", 16, 20, "M", 24, 40, "M"], hidden=40, embedding=128),
                clips=[48000, 80000, 33333, 1000]),
}
LAYER_EXAMPLES = 2  # per-layer activations are kept for this many examples of clip 0
FULL = dict(layers=[64, "M", 128, "M", 256, 256, "M", 512, 512, "M"], hidden=4096, embedding=128)


def make_layers(layers):
    """The reference make_layers() with its channel list as a parameter (same module indices)."""
    mods, c = [], 1
    for v in layers:
        if v == "M":
            mods.append(nn.MaxPool2d(kernel_size=2, stride=2))
        else:
            mods += [nn.Conv2d(c, v, kernel_size=3, padding=1), nn.ReLU(inplace=True)]
            c = v
    return nn.Sequential(*mods), c


def build(cfg, postprocess, gen=None):
    """A torchvggish VGGish (pretrained=False) whose features/embeddings have the config's widths."""
    V = refs.vggish()
    model = V.VGGish(urls=None, device=torch.device("cpu"), pretrained=False, postprocess=postprocess)
    model.features, c = make_layers(cfg["layers"])
    h, e = cfg["hidden"], cfg["embedding"]
    model.embeddings = nn.Sequential(nn.Linear(c * 4 * 6, h), nn.ReLU(True), nn.Linear(h, h), nn.ReLU(True),
                                     nn.Linear(h, e), nn.ReLU(True))
    if gen is not None:
        randomize(model, gen)
    return model.eval()


def randomize(model, gen):
    with torch.no_grad():
        for k, p in model.state_dict().items():
            if k.endswith("weight"):
                fan_in = int(np.prod(p.shape[1:]))
                v = torch.randn(p.shape, generator=gen) * np.sqrt(2.0 / fan_in)
            elif k.endswith("bias"):
                v = torch.randn(p.shape, generator=gen) * 0.05
            elif k == "pproc.pca_eigen_vectors":
                q, _ = torch.linalg.qr(torch.randn(p.shape, generator=gen, dtype=torch.float64))
                v = (q * 0.5).float()
            elif k == "pproc.pca_means":
                v = torch.randn(p.shape, generator=gen) * 0.2
            else:
                raise KeyError(k)
            p.copy_(v)


def test_signal(gen, n, k):
    """Speech-like test audio at 16 kHz: chirps and tones with noise, envelope, and a DC offset."""
    t = torch.arange(n, dtype=torch.float64) / 16000.0
    f0 = 150.0 + 400.0 * torch.rand(1, generator=gen, dtype=torch.float64)
    sweep = torch.sin(2 * np.pi * (f0 * t + (300.0 + 200.0 * k) * t * t))
    tone = 0.3 * torch.sin(2 * np.pi * (1000.0 + 700.0 * k) * t)
    env = 0.5 + 0.5 * torch.sin(2 * np.pi * (0.7 + 0.3 * k) * t)
    noise = 0.05 * torch.randn(n, generator=gen, dtype=torch.float64)
    return (0.4 * env * (sweep + tone) + noise + 0.01 * k).float()


def run_layers(model, examples):
    """VGG.forward with every child of features and embeddings recorded (ReLUs are in place: each
    output is cloned when its module returns)."""
    cap = []
    hooks = []
    for part in ("features", "embeddings"):
        for idx, mod in enumerate(getattr(model, part)):
            hooks.append(mod.register_forward_hook(
                lambda m, i, o, name=f"{part}.{idx}": cap.append((name, o.detach().clone()))))
    with torch.no_grad():
        out = refs.vggish().VGG.forward(model, examples)
    for h in hooks:
        h.remove()
    return out, cap


def generate(out_root, seed, sizes, ref_info):
    z = SIZES[sizes]
    cfg = z["config"]
    common.seed_all(seed)
    gen = torch.Generator().manual_seed(seed)
    full = build(cfg, postprocess=True, gen=gen)  # hub default: postprocess on, all ReLUs
    sd = full.state_dict()
    VI = refs.vggish_input()
    w = SetWriter(NAME, out_root)
    n_tensors, n_values = w.write_weights(sd)
    # the pre-1.6 layout (five pickles + raw storages), in which older releases such as
    # torchvggish's are stored
    torch.save(sd, w.file("weights.legacy.pt"), _use_new_zipfile_serialization=False)
    torch.save({"pca_eigen_vectors": sd["pproc.pca_eigen_vectors"].clone(),
                "pca_means": sd["pproc.pca_means"].reshape(-1).clone()}, w.file("pca_params.pt"))
    # the FAD's model: FrechetAudioDistance(use_pca=False, use_activation=False).__get_model
    fad_model = build(cfg, postprocess=True)
    fad_model.load_state_dict(sd)
    fad_model.postprocess = False
    fad_model.embeddings = nn.Sequential(*list(fad_model.embeddings.children())[:-1])
    relu_model = build(cfg, postprocess=False)
    relu_model.load_state_dict({k: v for k, v in sd.items() if not k.startswith("pproc.")})
    # float64 copies for the deviation estimate
    fad64 = build(cfg, postprocess=False).double()
    fad64.load_state_dict({k: v.double() for k, v in sd.items() if not k.startswith("pproc.")})
    fad64.embeddings = nn.Sequential(*list(fad64.embeddings.children())[:-1])
    errs = {}
    clip_info = []
    for k, n in enumerate(z["clips"]):
        audio = test_signal(gen, n, k)
        a_np = audio.numpy()
        log_mel = VI.mel_features.log_mel_spectrogram(
            a_np, audio_sample_rate=16000, log_offset=VI.vggish_params.LOG_OFFSET,
            window_length_secs=VI.vggish_params.STFT_WINDOW_LENGTH_SECONDS,
            hop_length_secs=VI.vggish_params.STFT_HOP_LENGTH_SECONDS,
            num_mel_bins=VI.vggish_params.NUM_MEL_BINS, lower_edge_hertz=VI.vggish_params.MEL_MIN_HZ,
            upper_edge_hertz=VI.vggish_params.MEL_MAX_HZ)
        examples = VI.waveform_to_examples(a_np, 16000)
        p = f"clip.{k}"
        w.add(f"{p}.audio", audio, f"mono input at 16 kHz [{n}] (float32, as audioldm_eval hands it over)", "(input)")
        w.add(f"{p}.log_mel", log_mel, "mel_features.log_mel_spectrogram (float64): 400-sample periodic Hann frames, hop 160, |rfft 512|, HTK mel 125-7500 Hz (64 bands, DC column zeroed), log(mel + 0.01) [frames, 64]", "rtol 1e-9, atol 1e-9")
        E = int(examples.shape[0])
        clip_info.append({"samples": n, "frames": int(log_mel.shape[0]), "examples": E})
        if E == 0:
            w.add(f"{p}.examples", examples.detach(), "waveform_to_examples: no complete 96-frame example [0, 1, 96, 64]", "exact (empty)")
            continue
        w.add(f"{p}.examples", examples.detach(), "waveform_to_examples: float32 of non-overlapping 96-frame windows of log_mel [E, 1, 96, 64]", "rtol 1e-6, atol 1e-6")
        with torch.no_grad():
            emb, layers = run_layers(fad_model, examples.detach())
            emb_relu = relu_model(a_np, 16000)
            post = full(a_np, 16000)
            emb64 = refs.vggish().VGG.forward(fad64, examples.detach().double())
        errs[p] = common.max_abs_err(emb, emb64)
        tol = common.fmt_tol(common.atol_from_err(errs[p], 1e-5))
        if k == 0:
            mods = dict(fad_model.named_modules())
            for name, o in layers:
                kind = type(mods[name]).__name__
                if kind == "Conv2d":
                    continue  # the ReLU after it is recorded (in place, same tensor)
                w.add(f"{p}.{name}", o[:LAYER_EXAMPLES], f"output of VGGish.{name} ({kind}) for the first {LAYER_EXAMPLES} examples [min(E, {LAYER_EXAMPLES}), ...]", f"rtol 1e-4, atol {tol}")
        w.add(f"{p}.embedding", emb, "FAD embeddings: VGGish with postprocess=False and the last ReLU removed (audioldm_eval FrechetAudioDistance(use_pca=False, use_activation=False)) [E, 128]", f"rtol 1e-4, atol {tol}")
        w.add(f"{p}.embedding_relu", emb_relu, "VGGish(postprocess=False) with all ReLUs [E, 128]", f"rtol 1e-4, atol {tol}")
        w.add(f"{p}.postprocessed", post.reshape(E, -1), "VGGish default (hub): ReLU embeddings -> PCA (eigen_vectors @ (x - means)) -> clamp [-2, 2] -> round((x + 2) * 255 / 4) [E, 128] (values 0..255, float32)", "exact or +-1 where the pre-rounding value is within 1e-3 of .5 (see fixture.json postprocess_margin)")
        # distance of the pre-rounding value to the nearest half-integer, for the rounding decisions
        with torch.no_grad():
            pca = torch.mm(full.pproc.pca_eigen_vectors, (emb_relu.t() - full.pproc.pca_means)).t()
            q = (torch.clamp(pca, -2.0, 2.0) + 2.0) * (255.0 / 4.0)
            margin = float(torch.min(torch.abs(q - torch.floor(q) - 0.5)))
        clip_info[-1]["postprocess_margin"] = margin
    w.write_io()
    common.write_json(w.file("config.json"), dict(cfg, sample_rate=16000, frames=96, bands=64))
    fixture = {"seed": seed, "clips": clip_info, "float32_vs_float64_max_abs_err": errs,
               "full_size_config": FULL, "reference": ref_info(["torchvggish", "audioldm_eval"])}
    common.write_json(w.file("fixture.json"), fixture)
    w.write_text("README.md", README.format(
        files="\n".join([common.FILES_HEAD,
                         common.ROW_CONFIG.format("VGG widths: `layers` (channels, \"M\" = 2x2 max pool), `hidden` (the two 4096-wide layers of the full model), `embedding` (128); the front-end constants"),
                         common.ROW_FIXTURE, common.ROW_IO, common.ROW_WST, common.ROW_WPT,
                         "| `weights.legacy.pt` | the same `state_dict()` in torch.save's legacy (pre-1.6, non-zip) format: magic number, protocol, system info, the object, the storage keys as five pickles, then each storage's int64 element count and bytes |",
                         "| `pca_params.pt` | the postprocessor's two tensors under the names of the released PCA file: `pca_eigen_vectors` [128, 128], `pca_means` [128] |"]),
        n_tensors=n_tensors, n_values=n_values, table=w.table()))
    return w


README = """# vggish-tiny: VGGish as the FAD uses it (torchvggish, reduced widths)

`torchvggish.vggish.VGGish(pretrained=False)` whose `features` and `embeddings` are rebuilt with the
widths of `config.json` (same layer pattern, same module indices as the reference `make_layers()`),
seeded random weights. The front end is the reference's numpy code, unchanged.

## Files

{files}

Weights: {n_tensors} tensors, {n_values} values. `features.N.{{weight,bias}}` are Conv2d 3x3, padding 1
(N = index in the Sequential: conv, ReLU, ..., MaxPool2d(2, 2)); `embeddings.{{0,2,4}}.{{weight,bias}}`
are Linear layers (ReLU between, and after the last one in the released model); `pproc.pca_eigen_vectors`
[128, 128] and `pproc.pca_means` [128, 1] are the postprocessor's.

Full-size files (not shipped; torch.hub's URLs, as `torch.hub.load("harritaylor/torchvggish", "vggish")`
downloads them): `vggish-10086976.pth` (state_dict with `features.*`, `embeddings.*`; layers
[64, M, 128, M, 256, 256, M, 512, 512, M], 12288 -> 4096 -> 4096 -> 128) and
`vggish_pca_params-970ea276.pth` (`pca_eigen_vectors`, `pca_means`; also published by Google as
`vggish_pca_params.npz`). Key list: `keys/vggish-keys.json`.

## Tensors in `io.safetensors`

{table}

## Notes

- Front end (float64, numpy): frames of 400 samples every 160 (no padding; F = 1 + (N - 400) // 160),
  periodic Hann 0.5 - 0.5 cos(2 pi n / 400), magnitude of the 512-point rfft (257 bins), times the
  [257, 64] HTK mel matrix (mel = 1127 ln(1 + f / 700); bin frequencies linspace(0, 8000, 257); band edges
  linspace(mel(125), mel(7500), 66); weight = max(0, min(rising, falling)); row 0 (DC) zeroed), then
  log(mel + 0.01). Examples: non-overlapping windows of 96 frames (E = 1 + (F - 96) // 96, none when
  F < 96), cast to float32 as [E, 1, 96, 64] (time x mel).
- VGG.forward: features -> [E, C, 6, 4] -> transpose(1, 3), transpose(1, 2) = [E, 6, 4, C] -> flatten
  (so the flattened order is (time, mel, channel)) -> embeddings.
- FAD (audioldm_eval `FrechetAudioDistance(use_pca=False, use_activation=False)`): `postprocess=False`
  and the final ReLU dropped, so `embedding` is the last Linear's output (can be negative).
- `postprocessed`: PCA rows are applied as eigen_vectors @ (x^T - means), clamp to [-2, 2], quantised
  to 0..255 with round-half-even (torch.round).
- Clip lengths include one shorter than one example (no embedding) where the config lists it.
"""
