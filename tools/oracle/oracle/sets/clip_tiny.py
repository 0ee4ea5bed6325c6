"""clip-tiny: clip/model.py VisionTransformer, clip/clip.py _transform(n_px) (PIL preprocessing) and
the frame normalisation of ViSAGe's data/infer_clip.py (preprocess.transforms[-1] on float frames)."""
import copy
import json
import os

import numpy as np
import torch
from PIL import Image

from .. import common, refs
from ..common import SetWriter

NAME = "clip-tiny"

SIZES = {
    "default": dict(config=dict(input_resolution=32, patch_size=8, width=32, layers=2, heads=2, output_dim=16),
                    batch=3, images=[(30, 40), (41, 30), (32, 32)], frames=2),
    "alt": dict(config=dict(input_resolution=30, patch_size=6, width=36, layers=3, heads=3, output_dim=20),
                batch=2, images=[(27, 44), (50, 29), (30, 30)], frames=3),
}


def randomize(model, gen):
    with torch.no_grad():
        width = model.conv1.out_channels
        for k, p in model.state_dict().items():
            def n(std):
                return torch.randn(p.shape, generator=gen) * std
            if k == "conv1.weight":
                v = n(1.0 / np.sqrt(p[0].numel()))
            elif k in ("class_embedding", "positional_embedding", "proj"):
                v = n(width ** -0.5)
            elif ".ln_" in k or k.startswith("ln_"):
                v = (1.0 + n(0.1)) if k.endswith("weight") else n(0.1)
            elif k.endswith("bias"):
                v = n(0.1)
            elif k.endswith("weight") or k.endswith("in_proj_weight"):
                v = n(1.0 / np.sqrt(p.shape[1]))
            else:
                raise KeyError(k)
            p.copy_(v)


def random_image(gen, h, w):
    yy, xx = torch.meshgrid(torch.linspace(0, 1, h), torch.linspace(0, 1, w), indexing="ij")
    chans = []
    for _ in range(3):
        a = torch.rand(4, generator=gen)
        base = 255 * (a[0] * xx + a[1] * yy + a[2] * torch.sin(6.0 * (xx + a[3]) * (1 + yy)))
        chans.append(base / (a[0] + a[1] + a[2] + 1e-3))
    img = torch.stack(chans, -1) + 25 * torch.randn(h, w, 3, generator=gen)
    return img.clamp(0, 255).round().to(torch.uint8).numpy()


def run_tower(model, images):
    cap = {}
    h1 = model.ln_pre.register_forward_hook(lambda m, i, o: cap.__setitem__("ln_pre", o.detach().clone()))
    h2 = model.transformer.register_forward_hook(lambda m, i, o: cap.__setitem__("tokens", o.detach().permute(1, 0, 2).clone()))
    with torch.no_grad():
        pooled = model(images)
    h1.remove()
    h2.remove()
    return pooled, cap["ln_pre"], cap["tokens"]


def preprocess(n_px, img):
    cc = refs.clip_clip()
    t = cc._transform(n_px)
    pil = Image.fromarray(img, mode="RGB")
    resized = t.transforms[0](pil)
    cropped = t.transforms[1](resized)
    tensor = t(pil)
    return np.asarray(resized), np.asarray(cropped), tensor


def normalize_frames(n_px, frames_u8):
    cc = refs.clip_clip()
    preprocess = cc._transform(n_px)
    # data/infer_clip.py: torch.from_numpy(video_frames.astype("float32") / 255).permute(0, 3, 1, 2),
    # then preprocess.transforms[-1] (Normalize)
    video_frames = torch.from_numpy(frames_u8.astype("float32") / 255).permute(0, 3, 1, 2)
    return preprocess.transforms[-1](video_frames)


def generate(out_root, seed, sizes, ref_info):
    M = refs.clip_model()
    z = SIZES[sizes]
    cfg = z["config"]
    common.seed_all(seed)
    gen = torch.Generator().manual_seed(seed)
    model = M.VisionTransformer(**cfg).eval()
    randomize(model, gen)
    n, B = cfg["input_resolution"], z["batch"]
    grid = n // cfg["patch_size"]
    ntok = grid * grid + 1
    images = torch.randn(B, 3, n, n, generator=gen)
    pooled, ln_pre, tokens = run_tower(model, images)
    m64 = copy.deepcopy(model).double()
    for mod in m64.modules():
        if isinstance(mod, M.LayerNorm):
            # clip.model.LayerNorm casts its input to float32 (an fp16 guard); for the float64
            # deviation estimate it runs as plain nn.LayerNorm in float64
            mod.forward = torch.nn.LayerNorm.forward.__get__(mod)
    p64, l64, t64 = run_tower(m64, images.double())
    errs = {"pooled": common.max_abs_err(pooled, p64), "ln_pre": common.max_abs_err(ln_pre, l64),
            "tokens": common.max_abs_err(tokens, t64)}
    tol = {"pooled": common.atol_from_err(errs["pooled"], 1e-5), "ln_pre": common.atol_from_err(errs["ln_pre"], 1e-4),
           "tokens": common.atol_from_err(errs["tokens"], 1e-4)}

    w = SetWriter(NAME, out_root)
    n_tensors, n_values = w.write_weights(model.state_dict())
    w.add("images", images, f"input image batch [B, 3, {n}, {n}] (already normalised)", "(input)")
    w.add("pooled", pooled, "VisionTransformer.forward: ln_post(token 0) @ proj [B, output_dim]", f"rtol 1e-4, atol {common.fmt_tol(tol['pooled'])}")
    w.add("tokens_ln_pre", ln_pre, f"after conv1 patchify, [class_embedding; patches] + positional_embedding, ln_pre [B, {grid}*{grid}+1, width]", f"rtol 1e-4, atol {common.fmt_tol(tol['ln_pre'])}")
    w.add("tokens", tokens, f"transformer output for ALL tokens, WITHOUT ln_post / proj [B, {ntok}, width] (the per-patch feature path used for the visual energy map; token 0 = class token)", f"rtol 1e-4, atol {common.fmt_tol(tol['tokens'])}")
    img_info = {}
    for k, (h, wd) in enumerate(z["images"]):
        img = random_image(gen, h, wd)
        resized, cropped, tensor = preprocess(n, img)
        w.add(f"preprocess.{k}.image", img, f"input RGB image, uint8 [H={h}, W={wd}, 3]", "(input)")
        w.add(f"preprocess.{k}.resized", resized, f"after Resize({n}, BICUBIC) on the PIL image: shorter side -> {n}, longer side -> int({n} * long / short); uint8 [h, w, 3]", "exact (+-1 if your resampler is not PIL's)")
        w.add(f"preprocess.{k}.cropped", cropped, f"after CenterCrop({n}): top = int(round((h - {n}) / 2)), left = int(round((w - {n}) / 2)) (Python round: half to even); uint8 [{n}, {n}, 3]", "exact")
        w.add(f"preprocess.{k}.tensor", tensor, f"final tensor [3, {n}, {n}] = (cropped / 255 - mean) / std, channel-first", "rtol 1e-5, atol 1e-6")
        img_info[f"preprocess.{k}"] = {"width": wd, "height": h, "resized": [int(resized.shape[1]), int(resized.shape[0])]}
    T = z["frames"]
    frames = np.stack([random_image(gen, n, n) for _ in range(T)])
    w.add("frames.uint8", frames, f"video frames as decoded (rgb24) [T, {n}, {n}, 3]", "(input)")
    w.add("frames.normalized", normalize_frames(n, frames), f"ViSAGe frame preprocessing: float32(frames) / 255, to [T, 3, {n}, {n}], then Normalize(mean, std) [T, 3, {n}, {n}]", "rtol 1e-5, atol 1e-6")
    w.write_io()
    common.write_json(w.file("config.json"), cfg)
    norm = refs.clip_clip()._transform(n).transforms[-1]
    fixture = {"seed": seed, "variant": "public", "batch": B, "grid": grid, "mean": list(norm.mean),
               "std": list(norm.std), "images": img_info, "float32_vs_float64_max_abs_err": errs,
               "reference": ref_info(["visage", "dac", "clip"])}
    common.write_json(w.file("fixture.json"), fixture)
    w.write_text("README.md", f"""# clip-tiny: CLIP ViT image tower (tiny) and CLIP image preprocessing

`clip.model.VisionTransformer(**config)` with seeded random weights, plus image
preprocessing fixtures. The state_dict keys are those of the standalone vision tower;
inside a full CLIP checkpoint the same keys carry the prefix `visual.` (see
`keys/clip-vitb32-keys.json`).

## Files

{common.FILES_HEAD}
{common.ROW_CONFIG.format("VisionTransformer constructor arguments (heads given explicitly; full CLIP uses heads = width // 64)")}
{common.ROW_FIXTURE}
{common.ROW_IO}
{common.ROW_WST}
{common.ROW_WPT}

Weights: {n_tensors} tensors, {n_values} values.
- `conv1.weight` [width, 3, patch, patch], no bias. `class_embedding` [width], `positional_embedding` [grid*grid+1, width], `proj` [width, output_dim] (applied as x @ proj).
- `transformer.resblocks.N.attn.in_proj_weight` [3*width, width] packs q, k, v (rows 0..w-1 = q, w..2w-1 = k, 2w..3w-1 = v); `in_proj_bias` likewise; `attn.out_proj.{{weight,bias}}`.
- `mlp.c_fc` / `mlp.c_proj` are Linear layers; the activation is QuickGELU x * sigmoid(1.702 x). LayerNorm eps 1e-5. Residual blocks are PRE-LN: x = x + attn(ln_1(x)); x = x + mlp(ln_2(x)).

## Tensors in `io.safetensors`

{w.table()}

## Notes

- Attention scores use q / sqrt(head_dim) (torch.nn.MultiheadAttention), no mask in the vision tower.
- The released pipeline runs CLIP ViT-B/32 on GPU in float16 (clip.load converts weights with convert_weights); these fixtures are float32.
- ViSAGe does not use CLIP's PIL preprocessing for videos: frames are decoded by ffmpeg with filter chain fps=4 -> scale=(W', H') -> crop(x, y, 224, 224), where the shorter side becomes 224 and the longer side = 224 * long // short (integer division), x = (W' - 224) // 2, y = (H' - 224) // 2; then only the Normalize step is applied (`frames.*`). The `preprocess.*` tensors cover CLIP's own PIL-based transform for still images.
""")
    return w


def recheck(set_dir, report):
    M = refs.clip_model()
    cfg = json.load(open(os.path.join(set_dir, "config.json")))
    model = M.VisionTransformer(**cfg).eval()
    wts, _ = common.read_safetensors(os.path.join(set_dir, "weights.safetensors"))
    model.load_state_dict({k: torch.from_numpy(v) for k, v in wts.items()}, strict=True)
    io, _ = common.read_safetensors(os.path.join(set_dir, "io.safetensors"))
    pooled, ln_pre, tokens = run_tower(model, torch.from_numpy(io["images"]))
    report("pooled", pooled, io["pooled"])
    report("tokens_ln_pre", ln_pre, io["tokens_ln_pre"])
    report("tokens", tokens, io["tokens"])
    n = cfg["input_resolution"]
    k = 0
    while f"preprocess.{k}.image" in io:
        resized, cropped, tensor = preprocess(n, io[f"preprocess.{k}.image"])
        report(f"preprocess.{k}.resized", resized, io[f"preprocess.{k}.resized"])
        report(f"preprocess.{k}.cropped", cropped, io[f"preprocess.{k}.cropped"])
        report(f"preprocess.{k}.tensor", tensor, io[f"preprocess.{k}.tensor"])
        k += 1
    report("frames.normalized", normalize_frames(n, io["frames.uint8"]), io["frames.normalized"])
