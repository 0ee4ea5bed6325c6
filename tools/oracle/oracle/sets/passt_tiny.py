"""passt-tiny: hear21passt (kkoutini/passt_hear21) as audioldm_eval's EvaluationHelper runs it for the KL:
get_basic_model(mode="logits") = AugmentMelSTFT (eval mode) + PaSST in a PasstBasicWrapper, with the
PaSST of reduced width/depth (seeded), on 10-s clips at 32 kHz."""
import copy
import os

import numpy as np
import torch

from .. import common, refs
from ..common import SetWriter

NAME = "passt-tiny"
NEEDS = ["hear21passt", "audioldm_eval"]

SIZES = {
    "default": dict(config=dict(embed_dim=32, depth=2, num_heads=2, mlp_ratio=4.0, num_classes=527),
                    clips=[320000, 48000]),
    "alt": dict(config=dict(embed_dim=24, depth=3, num_heads=3, mlp_ratio=4.0, num_classes=311),
                clips=[320000, 100000]),
}
# fixed by get_basic_model / get_model(arch="passt_s_swa_p16_128_ap476")
FRONT = dict(sample_rate=32000, n_mels=128, n_fft=1024, win_length=800, hopsize=320, fmin=0.0, fmax=15000,
             img_size=[128, 998], patch_size=16, stride=[10, 10], distilled=True, qkv_bias=True)
FULL = dict(embed_dim=768, depth=12, num_heads=12, mlp_ratio=4.0, num_classes=527)


def build_net(cfg):
    P = refs.passt_model()
    return P.PaSST(img_size=tuple(FRONT["img_size"]), patch_size=FRONT["patch_size"], stride=tuple(FRONT["stride"]),
                   in_chans=1, num_classes=cfg["num_classes"], embed_dim=cfg["embed_dim"], depth=cfg["depth"],
                   num_heads=cfg["num_heads"], mlp_ratio=cfg["mlp_ratio"], qkv_bias=True, distilled=True)


def build(cfg, gen=None):
    """get_basic_model(mode="logits") with get_model_passt replaced by the tiny PaSST (no download)."""
    B = refs.passt_base()
    net = build_net(cfg)
    if gen is not None:
        randomize(net, gen)
    real = B.get_model_passt
    B.get_model_passt = lambda arch=None, **kw: net
    try:
        model = B.get_basic_model(mode="logits")
    finally:
        B.get_model_passt = real
    return model.eval()


def randomize(net, gen):
    with torch.no_grad():
        for k, p in net.state_dict().items():
            def n(std):
                return torch.randn(p.shape, generator=gen) * std
            if "norm" in k or k.startswith("head.0."):
                v = (1.0 + n(0.1)) if k.endswith("weight") else n(0.1)
            elif k.endswith("bias"):
                v = n(0.05)
            elif k.endswith("weight"):
                v = n(1.0 / np.sqrt(int(np.prod(p.shape[1:]))))
            else:  # tokens and the positional embeddings
                v = n(0.5)
            p.copy_(v)


def test_signal(gen, n, k, sr=32000):
    t = torch.arange(n, dtype=torch.float64) / sr
    f0 = 200.0 + 300.0 * torch.rand(1, generator=gen, dtype=torch.float64)
    sweep = torch.sin(2 * np.pi * (f0 * t + (150.0 + 100.0 * k) * t * t))
    tone = 0.25 * torch.sin(2 * np.pi * (2500.0 + 900.0 * k) * t)
    env = 0.5 + 0.5 * torch.sin(2 * np.pi * (0.3 + 0.2 * k) * t)
    noise = 0.03 * torch.randn(n, generator=gen, dtype=torch.float64)
    return (0.4 * env * (sweep + tone) + noise).float()


def run(model, wave):
    """The wrapper's forward with the intermediates recorded."""
    cap = {}
    net = model.net
    hooks = [net.patch_embed.register_forward_hook(lambda m, i, o: cap.__setitem__("patch_embed", o.detach().clone())),
             net.pos_drop.register_forward_hook(lambda m, i, o: cap.__setitem__("tokens", o.detach().clone())),
             net.norm.register_forward_hook(lambda m, i, o: cap.__setitem__("norm", o.detach().clone()))]
    for b, blk in enumerate(net.blocks):
        hooks.append(blk.register_forward_hook(lambda m, i, o, b=b: cap.__setitem__(f"blocks.{b}", o.detach().clone())))
    with torch.no_grad():
        mel = model.mel(wave)
        logits = model(wave)
        _, features = net(mel.unsqueeze(1))
    for h in hooks:
        h.remove()
    return mel, logits, features, cap


def generate(out_root, seed, sizes, ref_info):
    z = SIZES[sizes]
    cfg = z["config"]
    common.seed_all(seed)
    gen = torch.Generator().manual_seed(seed)
    model = build(cfg, gen)
    P = refs.passt_model()
    P.first_RUN = False  # the reference prints shapes on its first forward
    w = SetWriter(NAME, out_root)
    n_tensors, n_values = w.write_weights(model.net.state_dict())
    m64 = copy.deepcopy(model).double()
    errs, info = {}, []
    for k, n in enumerate(z["clips"]):
        wave = test_signal(gen, n, k).unsqueeze(0)
        mel, logits, features, cap = run(model, wave)
        prev = torch.get_default_dtype()
        torch.set_default_dtype(torch.float64)  # get_mel_banks follows the default dtype
        try:
            mel64, logits64, _, cap64 = run(m64, wave.double())
        finally:
            torch.set_default_dtype(prev)
        p = f"clip.{k}"
        e = {"mel": common.max_abs_err(mel, mel64), "logits": common.max_abs_err(logits, logits64)}
        for key in cap:
            e[key] = common.max_abs_err(cap[key], cap64[key])
        errs[p] = e
        tol = {key: common.fmt_tol(common.atol_from_err(v, 1e-5)) for key, v in e.items()}
        T = int(mel.shape[-1])
        info.append({"samples": n, "mel_frames": T, "patch_grid": list(cap["patch_embed"].shape[2:])})
        w.add(f"{p}.audio", wave, f"mono input at 32 kHz [1, {n}]", "(input)")
        w.add(f"{p}.mel", mel, "AugmentMelSTFT (eval): pre-emphasis conv [-0.97, 1] (N - 1 samples), torch.stft n_fft 1024, hop 320, win 800 symmetric Hann (centred in 1024), center=True reflect padding, power re^2 + im^2, Kaldi mel banks (128, 0-15000 Hz, padded with a zero column for the Nyquist bin), log(x + 1e-5), (x + 4.5) / 5 [1, 128, T]", f"rtol 1e-4, atol {tol['mel']}")
        w.add(f"{p}.patch_embed", cap["patch_embed"], "PatchEmbed: Conv2d(1, D, 16, stride 10) of the mel [1, D, F, T']", f"rtol 1e-4, atol {tol['patch_embed']}")
        w.add(f"{p}.tokens", cap["tokens"], "after + time_new_pos_embed (cut to T') + freq_new_pos_embed, flatten (f major, t minor), [cls + new_pos_embed[0]; dist + new_pos_embed[1]; patches] [1, 2 + F*T', D]", f"rtol 1e-4, atol {tol['tokens']}")
        for b in range(cfg["depth"]):
            w.add(f"{p}.blocks.{b}", cap[f"blocks.{b}"], f"output of blocks.{b} (pre-LN ViT block: x + attn(norm1(x)), x + mlp(norm2(x)); LayerNorm eps 1e-6, exact GELU) [1, N, D]", f"rtol 1e-4, atol {tol[f'blocks.{b}']}")
        w.add(f"{p}.norm", cap["norm"], "final LayerNorm (eps 1e-6) [1, N, D]", f"rtol 1e-4, atol {tol['norm']}")
        w.add(f"{p}.features", features, "(norm(x)[:, 0] + norm(x)[:, 1]) / 2 [1, D]", f"rtol 1e-4, atol {tol['norm']}")
        w.add(f"{p}.logits", logits, "PasstBasicWrapper(mode='logits') output = head (LayerNorm eps 1e-5, Linear) of features; head_dist is not used [1, classes]", f"rtol 1e-4, atol {tol['logits']}")
    w.write_io()
    common.write_json(w.file("config.json"), dict(cfg, **FRONT))
    fixture = {"seed": seed, "clips": info, "float32_vs_float64_max_abs_err": errs, "full_size_config": FULL,
               "reference": ref_info(["hear21passt", "audioldm_eval"])}
    common.write_json(w.file("fixture.json"), fixture)
    w.write_text("README.md", README.format(
        files="\n".join([common.FILES_HEAD,
                         common.ROW_CONFIG.format("PaSST sizes (`embed_dim`, `depth`, `num_heads`, `mlp_ratio`, `num_classes`) and the fixed front-end/patch constants of get_basic_model"),
                         common.ROW_FIXTURE, common.ROW_IO,
                         "| `weights.safetensors` | the PaSST network's `state_dict()` (the wrapper's `net.` without the prefix, as the released checkpoint holds it) |",
                         "| `weights.pt` | the same `state_dict()` written by `torch.save` |"]),
        n_tensors=n_tensors, n_values=n_values, table=w.table()))
    return w


README = """# passt-tiny: PaSST as audioldm_eval's KL uses it (hear21passt, reduced size)

`hear21passt.base.get_basic_model(mode="logits")` (AugmentMelSTFT + PaSST in PasstBasicWrapper, eval mode)
with the network `PaSST(img_size=(128, 998), patch_size=16, stride=(10, 10), distilled=True, qkv_bias=True)`
of the widths in `config.json` instead of `passt_s_swa_p16_128_ap476`, seeded random weights.

## Files

{files}

Weights: {n_tensors} tensors, {n_values} values. Names: `cls_token`, `dist_token`, `new_pos_embed` [1, 2, D],
`freq_new_pos_embed` [1, D, 12, 1], `time_new_pos_embed` [1, D, 1, 99], `patch_embed.proj.{{weight,bias}}`
(Conv2d 1 -> D, 16 x 16, stride 10), `blocks.N.{{norm1, attn.qkv, attn.proj, norm2, mlp.fc1, mlp.fc2}}.*`,
`norm.*`, `head.0.*` (LayerNorm), `head.1.*` (Linear D -> classes), `head_dist.*` (Linear, unused by the
logits).

Full-size file (not shipped): `passt-s-f128-p16-s10-ap.476-swa.pt` from
https://github.com/kkoutini/PaSST/releases/download/v0.0.1-audioset/ (what get_basic_model downloads;
D = 768, 12 blocks, 12 heads, 527 AudioSet classes). Key list: `keys/passt-keys.json`.

## Tensors in `io.safetensors`

{table}

## Notes

- The evaluation pads or cuts every clip to 320,000 samples (10 s) before the model; the second clip is
  shorter to exercise the cut of `time_new_pos_embed` (T' < 99).
- Frames: the pre-emphasised signal has N - 1 samples; torch.stft(center=True) gives 1 + (N - 1) // 320
  frames (1000 for 10 s); T' = (T - 16) // 10 + 1, F = (128 - 16) // 10 + 1 = 12.
- Kaldi mel banks (torchaudio.compliance.kaldi.get_mel_banks(128, 1024, 32000, 0, 15000, 100, -500, 1.0)):
  mel(f) = 1127 ln(1 + f / 700), 128 triangles equally spaced in mel between mel(0) and mel(15000), evaluated
  at the mel of bin k * 32000 / 1024 for k = 0..511 (bin 512 gets 0).
- Attention: qkv = Linear(D, 3D) split as [3, heads, head_dim], scores scaled by head_dim^-0.5, softmax.
"""
