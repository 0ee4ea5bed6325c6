"""dac-tiny: dac/model/dac.py DAC (preprocess, encoder, residual VQ, from_codes, decode, forward)."""
import copy
import json
import math
import os

import numpy as np
import torch
import torch.nn.functional as F

from .. import common, refs
from ..common import SetWriter

NAME = "dac-tiny"

SIZES = {
    "default": dict(config=dict(encoder_dim=4, encoder_rates=[2, 4], decoder_dim=16, decoder_rates=[4, 2],
                                n_codebooks=3, codebook_size=16, codebook_dim=4, sample_rate=8000),
                    batch=1, n_samples=1003, n_partial=2),
    # hop 12 (three encoder blocks, one of odd stride), two decoder blocks of even stride with the same
    # product (odd transposed-conv strides would shorten the output below frames * prod(decoder_rates)),
    # 4 codebooks of 13 x 5
    "alt": dict(config=dict(encoder_dim=3, encoder_rates=[2, 3, 2], decoder_dim=20, decoder_rates=[2, 6],
                            n_codebooks=4, codebook_size=13, codebook_dim=5, sample_rate=6000),
                batch=2, n_samples=997, n_partial=3),
}

MARGIN_MIN = 1e-4


def dac_config(z):
    c = dict(z["config"])
    latent = c["encoder_dim"] * 2 ** len(c["encoder_rates"])
    return {"encoder_dim": c["encoder_dim"], "encoder_rates": c["encoder_rates"], "latent_dim": latent,
            "decoder_dim": c["decoder_dim"], "decoder_rates": c["decoder_rates"], "n_codebooks": c["n_codebooks"],
            "codebook_size": c["codebook_size"], "codebook_dim": c["codebook_dim"], "quantizer_dropout": False,
            "sample_rate": c["sample_rate"]}


def randomize(model, gen):
    """Seeded values for every parameter in state_dict order: weight_v ~ N(0, 1), weight_g ~ U(0.6, 1) (decoder: U(0.4, 0.6)),
    conv biases N(0, 0.1^2), Snake alpha ~ U(0.5, 2), codebooks N(0, 1)."""
    with torch.no_grad():
        for k, p in model.state_dict().items():
            if k.endswith("weight_v") or k.endswith("codebook.weight"):
                v = torch.randn(p.shape, generator=gen)
            elif k.endswith("weight_g"):
                u = torch.rand(p.shape, generator=gen)
                v = (0.4 + 0.2 * u) if k.startswith("decoder.") else (0.6 + 0.4 * u)
            elif k.endswith("alpha"):
                v = 0.5 + 1.5 * torch.rand(p.shape, generator=gen)
            elif k.endswith("bias"):
                v = 0.1 * torch.randn(p.shape, generator=gen)
            else:
                raise KeyError(k)
            p.copy_(v)


def random_audio(gen, b, n, sr):
    t = torch.arange(n, dtype=torch.float32) / sr
    out = []
    for _ in range(b):
        f = 60 + (sr / 4) * torch.rand(3, generator=gen)
        a = 0.1 + 0.2 * torch.rand(3, generator=gen)
        x = sum(a[i] * torch.sin(2 * math.pi * f[i] * t + 6.28 * float(torch.rand(1, generator=gen))) for i in range(3))
        x = x + 0.05 * torch.randn(n, generator=gen)
        out.append(x)
    return torch.stack(out)[:, None, :]


def code_margin(model, latents):
    """Smallest top-1/top-2 gap of the reference's VQ score -(|e|^2 - 2 e.c + |c|^2) (normalised e, c)
    over all frames and quantizers, from the per-quantizer projections z_e (= latents)."""
    m, j = float("inf"), 0
    for q in model.quantizer.quantizers:
        d = q.codebook_dim
        lat = latents[:, j:j + d]
        j += d
        enc = F.normalize(lat.permute(0, 2, 1).reshape(-1, d))
        cb = F.normalize(q.codebook.weight)
        dist = enc.pow(2).sum(1, keepdim=True) - 2 * enc @ cb.t() + cb.pow(2).sum(1, keepdim=True).t()
        top = torch.topk(-dist, 2, dim=1).values
        m = min(m, float((top[:, 0] - top[:, 1]).min()))
    return m


def run(model, audio, n_partial, sr):
    with torch.no_grad():
        pre = model.preprocess(audio, sr)
        enc = model.encoder(pre)
        z, codes, latents, cl, cbl = model.encode(pre)
        zp, codes_p, lat_p, _, _ = model.encode(pre, n_quantizers=n_partial)
        fz, fzp, _ = model.quantizer.from_codes(codes)
        dec = model.decode(z)
        decf = model.decode(fz)
        fwd = model(audio, sr)["audio"]
    return dict(preprocessed=pre, encoder_out=enc, z=z, codes=codes, latents=latents, commitment_loss=cl,
                codebook_loss=cbl, z_partial=zp, codes_partial=codes_p, latents_partial=lat_p, from_codes_z=fz,
                from_codes_z_p=fzp, decoded=dec, decoded_from_codes=decf, forward_audio=fwd)


def generate(out_root, seed, sizes, ref_info):
    D = refs.dac()
    z = SIZES[sizes]
    cfg = dac_config(z)
    common.seed_all(seed)
    gen = torch.Generator().manual_seed(seed)
    model = D.DAC(**cfg).eval()
    randomize(model, gen)
    sr, B, N = cfg["sample_rate"], z["batch"], z["n_samples"]
    for attempt in range(50):
        audio = random_audio(gen, B, N, sr)
        r = run(model, audio, z["n_partial"], sr)
        m64 = copy.deepcopy(model).double()
        r64 = run(m64, audio.double(), z["n_partial"], sr)
        margin = code_margin(model, r["latents"])
        same64 = bool(torch.equal(r["codes"], r64["codes"]))
        if margin >= MARGIN_MIN and same64:
            break
    else:
        raise RuntimeError("dac-tiny: no input with safe VQ decisions")
    errs = {k: common.max_abs_err(r[k], r64[k]) for k in
            ["encoder_out", "z", "latents", "decoded", "from_codes_z", "decoded_from_codes"]}
    hop = int(np.prod(cfg["encoder_rates"]))
    frames = int(r["codes"].shape[-1])
    # atol = about 10x the reference's float32-vs-float64 deviation, never below the committed README's
    floor = {"encoder_out": 1e-4, "z": 1e-5, "latents": 1e-4, "decoded": 1e-5, "from_codes_z": 1e-5,
             "decoded_from_codes": 1e-5}
    tol = {k: f"rtol 1e-4, atol {common.fmt_tol(common.atol_from_err(e, floor[k]))}" for k, e in errs.items()}
    tol["z_partial"] = tol["z"]
    tol["latents_partial"] = tol["latents"]
    tol["from_codes_z_p"] = "rtol 1e-4, atol 1e-5"
    tol["forward_audio"] = tol["decoded"]
    ld, nq, npart = cfg["latent_dim"], cfg["n_codebooks"], z["n_partial"]

    w = SetWriter(NAME, out_root)
    n_tensors, n_values = w.write_weights(model.state_dict(), dac_kwargs=cfg)
    w.add("audio", audio, f"input waveform [B, 1, N], N = {N} (not a multiple of the hop length), sample_rate {sr}", "(input)")
    w.add("preprocessed", r["preprocessed"], f"DAC.preprocess(audio, {sr}): right zero-pad to a multiple of hop_length ({hop})", "exact")
    w.add("encoder_out", r["encoder_out"], "model.encoder(preprocessed): continuous latent before quantisation [B, latent_dim, frames]", tol["encoder_out"])
    w.add("z", r["z"], "encode(preprocessed)[0]: quantised latent (sum of out_proj of each quantizer) [B, latent_dim, frames]", tol["z"])
    w.add("codes", r["codes"], "encode(...)[1]: codebook indices [B, n_codebooks, frames]", "exact")
    w.add("latents", r["latents"], "encode(...)[2]: concatenated per-quantizer projections z_e = in_proj(residual) [B, sum(codebook_dim), frames]", tol["latents"])
    w.add("commitment_loss", r["commitment_loss"].reshape(()), "encode(...)[3] (scalar)", "rtol 1e-4")
    w.add("codebook_loss", r["codebook_loss"].reshape(()), "encode(...)[4] (scalar, equal to the commitment loss in value)", "rtol 1e-4")
    w.add("z_partial", r["z_partial"], f"encode(preprocessed, n_quantizers={npart})[0] (only the first {npart} quantizers, eval mode)", tol["z_partial"])
    w.add("codes_partial", r["codes_partial"], f"encode(preprocessed, n_quantizers={npart})[1] [B, {npart}, frames]", "exact")
    w.add("latents_partial", r["latents_partial"], f"encode(preprocessed, n_quantizers={npart})[2]", tol["latents_partial"])
    w.add("from_codes_z", r["from_codes_z"], "quantizer.from_codes(codes)[0]: sum_i out_proj_i(codebook_i[codes_i]) [B, latent_dim, frames]", tol["from_codes_z"])
    w.add("from_codes_z_p", r["from_codes_z_p"], "quantizer.from_codes(codes)[1]: concatenated codebook vectors (not normalised) [B, sum(codebook_dim), frames]", tol["from_codes_z_p"])
    w.add("decoded", r["decoded"], "decode(z) [B, 1, frames*prod(decoder_rates)]", tol["decoded"])
    w.add("decoded_from_codes", r["decoded_from_codes"], "decode(from_codes_z): the path used to turn generated codes into audio", tol["decoded_from_codes"])
    w.add("forward_audio", r["forward_audio"], "DAC.forward(audio)['audio'] = decode(z)[..., :N]", tol["forward_audio"])
    w.write_io()
    common.write_json(w.file("config.json"), cfg)
    fixture = {
        "seed": seed, "variant": "public", "batch": B, "n_samples": N, "hop_length": hop, "frames": frames,
        "n_quantizers_partial": npart, "delay": int(model.delay), "min_code_score_margin": margin,
        "input_attempt": attempt, "float32_vs_float64_max_abs_err": errs, "codes_identical_in_float64": same64,
        "reference": ref_info(["visage", "dac", "clip"]),
    }
    common.write_json(w.file("fixture.json"), fixture)
    ed, rates = cfg["encoder_dim"], cfg["encoder_rates"]
    w.write_text("README.md", f"""# dac-tiny: Descript Audio Codec, tiny configuration, seeded random weights

`dac.model.dac.DAC(**config)` with the keyword arguments in `config.json` (latent_dim
derived = encoder_dim * 2**len(encoder_rates) = {ld}, hop length = prod(encoder_rates)
= {hop}). All convolutions are weight-normalised: the checkpoint stores `weight_g` and
`weight_v` (no `weight`). Covers `preprocess`, `encode` (all and a subset of quantizers),
`quantizer.from_codes`, `decode` and the full `forward`.

## Files

{common.FILES_HEAD}
{common.ROW_CONFIG.format("DAC constructor keyword arguments (as in the `metadata.kwargs` of released DAC weight files)")}
{common.ROW_FIXTURE}
{common.ROW_IO}
{common.ROW_WST}
{common.ROW_WPT}
| `weights.dac.pth` | state_dict in the released-DAC container layout: torch.save({{'state_dict': sd, 'metadata': {{'kwargs': config}}}}) |

Weights: {n_tensors} tensors, {n_values} values.
- Weight norm (torch.nn.utils.weight_norm, dim=0): weight = weight_g * weight_v / ||weight_v||, the norm taken over all dims except 0 of weight_v.
- Conv1d: weight_v [out, in, k], weight_g [out, 1, 1]. ConvTranspose1d: weight_v [in, out, k] and weight_g [in, 1, 1] -- the norm is per INPUT channel (dim 0 of the transposed-conv weight).
- `weights.dac.pth`: the same state_dict wrapped as {{'state_dict': ..., 'metadata': {{'kwargs': {{...}}}}}}, the container layout of the released DAC weight files (loaded by DAC.load).

## Tensors in `io.safetensors`

{w.table()}

## Notes

- Snake activation: y = x + 1/(alpha + 1e-9) * sin(alpha * x)^2, alpha per channel [1, C, 1].
- Encoder: WNConv1d(1, d, 7, pad 3); per rate r: EncoderBlock = 3 ResidualUnits (dilations 1, 3, 9; each Snake -> WNConv1d(k7, dilation, pad 3*dil) -> Snake -> WNConv1d(k1), added to the input) -> Snake -> WNConv1d(d/2 -> d, kernel 2r, stride r, padding ceil(r/2)); channels double per block; then Snake -> WNConv1d(d, latent, 3, pad 1).
- Decoder: WNConv1d(latent, decoder_dim, 7, pad 3); per rate r: Snake -> WNConvTranspose1d(c, c/2, kernel 2r, stride r, padding ceil(r/2)) -> 3 ResidualUnits; then Snake -> WNConv1d(c, 1, 7, pad 3) -> tanh.
- Quantizer i: z_e = in_proj(residual) (WNConv1d k1 to codebook_dim); code = argmax over codebook rows of -(|e|^2 - 2 e.c + |c|^2) with e and c L2-normalised (cosine similarity); z_q = out_proj(codebook[code]) (UN-normalised codebook row); residual -= z_q; z = sum of z_q.
- In the real pipeline each of the 4 ambisonic channels is encoded as its own mono batch item; generated codes are decoded per channel with quantizer.from_codes(channel_codes)[0] followed by decode().
""")
    return w


def recheck(set_dir, report):
    D = refs.dac()
    cfg = json.load(open(os.path.join(set_dir, "config.json")))
    fx = json.load(open(os.path.join(set_dir, "fixture.json")))
    model = D.DAC(**cfg).eval()
    wts, _ = common.read_safetensors(os.path.join(set_dir, "weights.safetensors"))
    model.load_state_dict({k: torch.from_numpy(v) for k, v in wts.items()}, strict=True)
    io, _ = common.read_safetensors(os.path.join(set_dir, "io.safetensors"))
    r = run(model, torch.from_numpy(io["audio"]), fx["n_quantizers_partial"], cfg["sample_rate"])
    for k, v in r.items():
        report(k, v if v.dim() else v.reshape(()), io[k])
    report("fixture delay", np.array(model.delay), np.array(fx["delay"]))
    report("fixture min_code_score_margin", np.array(code_margin(model, r["latents"])),
           np.array(fx["min_code_score_margin"]), "rtol 1e-2")
