"""codes-pattern: data/preprocess_ambi.py PreprocessorAmbi (prepare_dac, prepare_labels, prepare_ambi,
preprocess_eval) and the bookkeeping of modeling/visage.py generate_cfg / generate_dual_cfg (with the
36 output heads replaced by stand-ins that emit known codes)."""
import json
import math
import os
import tempfile

import numpy as np
import torch
from torch import nn

from .. import common, refs
from ..common import SetWriter
from . import dataset
from .visage_tiny import randomize

NAME = "codes-pattern"

SIZES = {
    "default": dict(num_rvq=9, frames=5, pad=1024, gen_batch=2, clip_frame_rate=17, dac_sample_rate=44100,
                    directions=[[0, 0], [45, 90], [90, 180], [30, 150], [10, 170], [60, 0], [22, 135]],
                    seconds=1, ds_frame_rate=86, ds_clip_rate=4, clip_frames=9, clip_dim=6, short=70, long=200,
                    dir_short=[30, 100], dir_long=[70, 20]),
    # 24 codebooks, 24 kHz DAC timing (50 frames/s, hop 320): target_len = int(1 / 7 * 50) = 7,
    # output frames = ceil(int(1 / 7 * 24000) / 320) = 11 (4 repeated frames)
    "alt": dict(num_rvq=6, frames=7, pad=600, gen_batch=3, clip_frame_rate=7, dac_sample_rate=24000,
                directions=[[0, 0], [90, 180], [45, 134], [45, 135], [12, 179], [70, 100], [33, 47], [5, 160]],
                seconds=2, ds_frame_rate=50, ds_clip_rate=3, clip_frames=11, clip_dim=5, short=80, long=170,
                dir_short=[17, 61], dir_long=[88, 150]),
}


class StandInHead(nn.Module):
    """k-th call returns one-hot logits [B, L, V] whose argmax is codes[:, k] (one codebook)."""

    def __init__(self, codes, vocab):
        super().__init__()
        self.codes = codes  # [B, T]
        self.vocab = vocab
        self.k = 0

    def forward(self, x):
        b, l, _ = x.shape
        out = torch.zeros(b, l, self.vocab)
        out[torch.arange(b), -1, self.codes[:, self.k]] = 1.0
        self.k += 1
        return out


def generation(z, seed, codes_in, kind):
    vm, vis = refs.visage_mono(), refs.visage()
    R, V = z["num_rvq"], z["pad"]
    config = vm.VisageConfig(d_clip=4, num_rvq=R, dac_vocab_size=V, dac_pad_token_id=V,
                             dac_sample_rate=z["dac_sample_rate"], max_source_length=4,
                             max_target_length=2 * z["frames"] + 1, clip_frame_rate=z["clip_frame_rate"],
                             cfg_dropout_prob=0.0, d_model=8, encoder_layers=1, decoder_layers=1,
                             encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=16,
                             decoder_ffn_dim=16, attn_implementation="eager")
    model = vis.VisageForAmbisonicsGeneration(config).eval()
    randomize(model, torch.Generator().manual_seed(seed), V)
    streams = 2 if kind == "cfg" else 4
    # every stream calls each head once per evaluation: the stand-in advances every `streams` calls
    heads = []
    for j in range(4 * R):
        rep = codes_in[:, j].repeat_interleave(streams, dim=1)
        heads.append(StandInHead(rep, V))
    model.dac_heads = nn.ModuleList(heads)
    fed = []
    dec = model.model.decoder
    orig = dec.forward

    def dec_forward(*args, **kwargs):
        ids = kwargs.get("input_ids")
        if ids.dim() == 3 and len(fed) < 10 ** 6:
            fed.append(ids.clone())
        return orig(*args, **kwargs)

    dec.forward = dec_forward
    B = codes_in.shape[0]
    clip = torch.zeros(B, 1, 4)
    energy = torch.full((B, 1, 49), 1.0 / 49)
    direction = torch.tensor([[0.0, 0.0, 1.0]]).expand(B, 3)
    with torch.no_grad():
        if kind == "cfg":
            codes = model.generate_cfg(clip, direction, energy, do_sample=False, guidance_scale=1.0)
        else:
            codes = model.generate_dual_cfg(clip, direction, energy, guidance_scale=1.0, spatial_guidance_scale=1.0)
    fed_back = torch.cat(fed[::streams], dim=1)  # the cond stream's input at steps 1..2T
    target_len = int(1 / config.clip_frame_rate * config.dac_frame_rate)
    return codes, fed_back, target_len, config


def dataset_case(z, gen, tag, frames, elev_azim):
    R = z["num_rvq"]
    with tempfile.TemporaryDirectory() as d:
        for sub in ("dac", "clip", "energy"):
            os.makedirs(os.path.join(d, sub))
        dac = torch.randint(0, z["pad"], (4 * R, frames), generator=gen).numpy().astype(np.int64)
        clip = torch.randn(z["clip_frames"], z["clip_dim"], generator=gen).numpy()
        energy = torch.softmax(torch.randn(z["clip_frames"], 49, generator=gen) * 2.0, -1).numpy()
        fname = f"clip_{tag}.npy"
        np.save(os.path.join(d, "dac", fname), dac)
        np.save(os.path.join(d, "clip", fname), clip)
        np.save(os.path.join(d, "energy", fname), energy)
        pre = dataset.preprocessor(ambi={f"clip_{tag}": list(elev_azim)}, dac_base_path=os.path.join(d, "dac"),
                                   clip_base_path=os.path.join(d, "clip"), energy_map_path=os.path.join(d, "energy"),
                                   seconds_to_use=z["seconds"], dac_pad_token_id=z["pad"], dac_num_codebooks=R,
                                   dac_frame_rate=z["ds_frame_rate"], clip_frame_rate=z["ds_clip_rate"])
        out = pre.preprocess_eval({"file_path": fname})
    return dac, clip, energy, out


def generate(out_root, seed, sizes, ref_info):
    z = SIZES[sizes]
    R, T, V, Bg = z["num_rvq"], z["frames"], z["pad"], z["gen_batch"]
    NC = 4 * R
    common.seed_all(seed)
    gen = torch.Generator().manual_seed(seed)
    w = SetWriter(NAME, out_root)
    pre = dataset.preprocessor(dac_pad_token_id=V, dac_num_codebooks=R)
    train_codes = np.array([[10 * c + t for t in range(T)] for c in range(NC)], dtype=np.int64)
    inter = pre.prepare_dac(train_codes.T)
    w.add("train.codes", train_codes, f"DAC codes of one clip as stored [{NC}, T] (codebook-major)", "(input)")
    w.add("train.interleaved_ids", inter, f"prepare_dac(codes^T) [2T+1, {NC}]: codebook 0 at rows 0, 2, .., 2T-2; codebooks 1..{R - 1} and {R}, {2 * R}, {3 * R} at rows 1, 3, .., 2T-1; all others at rows 2, 4, .., 2T; pad elsewhere", "exact")
    w.add("train.decoder_input_ids", inter[:-1], f"decoder_input_ids given to the model = interleaved_ids[:-1] [2T, {NC}]", "exact")
    w.add("train.labels", pre.prepare_labels(inter), f"labels = interleaved_ids with pad replaced by -100 [2T+1, {NC}]", "exact")
    codes_in = torch.tensor([[[10 * c + t + 100 * b for t in range(T)] for c in range(NC)] for b in range(Bg)])
    res = {}
    for kind in ("cfg", "dual"):
        codes, fed_back, tl, config = generation(z, seed, codes_in, kind)
        assert tl == T, (tl, T)
        res[kind] = (codes, fed_back)
    t_out = int(res["cfg"][0].shape[1])
    sr, ds = config.dac_sample_rate, config.dac_downsample_rate
    cfr = config.clip_frame_rate
    for kind in ("cfg", "dual"):
        codes, fed_back = res[kind]
        call = "generate_cfg" if kind == "cfg" else "generate_dual_cfg"
        w.add(f"gen_{kind}.codes", codes, f"output of {call} [B, T_out, {NC}] when step k of every head emits its k-th code; T_out = {t_out} (the last frame is repeated to reach ceil(int(S / clip_frame_rate * {sr}) / {ds}) frames)", "exact")
        w.add(f"gen_{kind}.fed_back_ids", fed_back, f"ids fed back to the decoder at steps 1..2T [B, 2T, {NC}]; equals the training decoder_input_ids of each item's codes", "exact")
    w.add("gen.codes_in", codes_in, f"codes emitted by the stand-in heads [B, {NC}, T] (value = 10 * codebook + frame + 100 * b)", "(input)")
    dirs = z["directions"]
    ambi = {f"d{i}": list(p) for i, p in enumerate(dirs)}
    pre_dir = dataset.preprocessor(ambi=ambi, dac_pad_token_id=V, dac_num_codebooks=R)
    vec = np.stack([pre_dir.prepare_ambi(f"d{i}.npy", augment=False) for i in range(len(dirs))])
    vec_aug = np.stack([pre_dir.prepare_ambi(f"d{i}.npy", augment=True) for i in range(len(dirs))])
    w.add("direction.elev_azim", np.array(dirs, dtype=np.int64), "(elevation, azimuth) grid indices as in ambi.json [n, 2] (elevation 0..90, azimuth 0..180, 2 degrees per unit)", "exact")
    w.add("direction.vector", vec, "prepare_ambi(augment=False): roty((2*azimuth - 179) deg) @ rotx((89 - 2*elevation) deg) @ [0, 0, 1], float32 [n, 3]", "rtol 1e-6, atol 1e-7")
    w.add("direction.vector_augmented", vec_aug, "prepare_ambi(augment=True): azimuth += 45, and if the result > 179 it becomes azimuth - 180; float32 [n, 3]", "rtol 1e-6, atol 1e-7")
    s, fr, cr = z["seconds"], z["ds_frame_rate"], z["ds_clip_rate"]
    for tag, frames, ea in (("short", z["short"], z["dir_short"]), ("long", z["long"], z["dir_long"])):
        dac, clip, energy, out = dataset_case(z, gen, tag, frames, ea)
        p = f"dataset_{tag}"
        w.add(f"{p}.dac", dac, f"stored DAC codes [{NC}, {frames}]", "(input)")
        w.add(f"{p}.clip", clip, f"stored CLIP features [{clip.shape[0]}, {clip.shape[1]}]", "(input)")
        w.add(f"{p}.energy", energy, f"stored energy map [{energy.shape[0]}, 49]", "(input)")
        w.add(f"{p}.out.inputs_embeds", out["inputs_embeds"], f"preprocess_eval: first seconds_to_use * {cr} CLIP frames", "exact")
        w.add(f"{p}.out.energy_map", out["energy_map"], f"preprocess_eval: first seconds_to_use * {cr} energy frames", "exact")
        w.add(f"{p}.out.decoder_input_ids", out["decoder_input_ids"], f"preprocess_eval: codes cut (from frame 0) or right-padded with the pad id to seconds_to_use * {fr} frames, interleaved, last row dropped", "exact")
        w.add(f"{p}.out.labels", out["labels"], "preprocess_eval: labels (pad -> -100)", "exact")
        w.add(f"{p}.out.direction", out["direction"], "preprocess_eval: direction from (elevation, azimuth) in fixture.json", "rtol 1e-6, atol 1e-7")
    w.write_io()
    common.write_json(w.file("config.json"), {"num_rvq": R, "n_codebooks": NC, "frames": T, "dac_pad_token_id": V,
                                              "label_pad_token_id": -100})
    fixture = {"seed": seed, "variant": "public",
               "generation": {"batch": Bg, "clip_frames": 1, "clip_frame_rate": cfr, "dac_sample_rate": sr,
                              "target_len": T, "output_frames": t_out},
               "dataset": {"seconds_to_use": s, "dac_frame_rate": fr, "clip_frame_rate": cr, "short_frames": z["short"],
                           "long_frames": z["long"], "directions": {"short": z["dir_short"], "long": z["dir_long"]}},
               "reference": ref_info(["visage", "dac", "clip"])}
    common.write_json(w.file("fixture.json"), fixture)
    dfr = config.dac_frame_rate
    w.write_text("README.md", f"""# codes-pattern: DAC code interleaving for the ViSAGe decoder (training layout and generation)

Distinct integer codes make every position checkable: code value = 10 * codebook + frame
(+ 100 * batch item for the generation checks). {NC} codebooks = 4 channels x {R} levels
(codebook c = channel * {R} + level), T = {T} frames, pad id {V}.

## Files

{common.FILES_HEAD}
{common.ROW_CONFIG.format("layout parameters")}
{common.ROW_FIXTURE}
{common.ROW_IO}

## Tensors in `io.safetensors`

{w.table()}

## Notes

- Generation check: the real model's {NC} output heads are replaced by stand-ins whose k-th evaluation emits the k-th frame's code, so the reference loop's own bookkeeping (pad insertion, which heads run at which step, un-interleaving, padding by repetition of the last frame) produces `gen_*.codes`. The config uses clip_frame_rate = {cfr} and one CLIP frame so that target_len = int(1 / {cfr} * {dfr}) = {T} frames.
- Decoder position k (0 = bos) is trained to predict interleaved_ids[k]; at generation step k the heads listed for that step produce row k and row k is fed back at step k + 1. Rows hold, per frame t: row 2t = codebook 0 of frame t (plus the non-primary levels of Y/Z/X of frame t-1), row 2t+1 = levels 1..{R - 1} of W and level 0 of Y, Z, X of frame t.
- Dataset (eval): if codes have more than seconds_to_use whole seconds (T // {fr} > seconds_to_use) the first seconds_to_use * {fr} frames are taken, otherwise codes are truncated or right-padded with the pad id to exactly seconds_to_use * {fr} frames; CLIP features and energy maps are cut to seconds_to_use * {cr} frames (never padded).
""")
    return w


def recheck(set_dir, report):
    io, _ = common.read_safetensors(os.path.join(set_dir, "io.safetensors"))
    cfg = json.load(open(os.path.join(set_dir, "config.json")))
    fx = json.load(open(os.path.join(set_dir, "fixture.json")))
    R, V, T = cfg["num_rvq"], cfg["dac_pad_token_id"], cfg["frames"]
    pre = dataset.preprocessor(dac_pad_token_id=V, dac_num_codebooks=R)
    inter = pre.prepare_dac(io["train.codes"].T)
    report("train.interleaved_ids", inter, io["train.interleaved_ids"])
    report("train.decoder_input_ids", inter[:-1], io["train.decoder_input_ids"])
    report("train.labels", pre.prepare_labels(inter), io["train.labels"])
    g = fx["generation"]
    z = dict(num_rvq=R, pad=V, frames=T, dac_sample_rate=g["dac_sample_rate"], clip_frame_rate=g["clip_frame_rate"])
    for kind in ("cfg", "dual"):
        codes, fed_back, _, _ = generation(z, fx["seed"], torch.from_numpy(io["gen.codes_in"]), kind)
        report(f"gen_{kind}.codes", codes, io[f"gen_{kind}.codes"])
        report(f"gen_{kind}.fed_back_ids", fed_back, io[f"gen_{kind}.fed_back_ids"])
    dirs = io["direction.elev_azim"].tolist()
    pre_dir = dataset.preprocessor(ambi={f"d{i}": p for i, p in enumerate(dirs)}, dac_pad_token_id=V, dac_num_codebooks=R)
    report("direction.vector", np.stack([pre_dir.prepare_ambi(f"d{i}.npy") for i in range(len(dirs))]), io["direction.vector"])
    report("direction.vector_augmented", np.stack([pre_dir.prepare_ambi(f"d{i}.npy", augment=True) for i in range(len(dirs))]), io["direction.vector_augmented"])
    d = fx["dataset"]
    for tag in ("short", "long"):
        p = f"dataset_{tag}"
        with tempfile.TemporaryDirectory() as td:
            for sub, key in (("dac", "dac"), ("clip", "clip"), ("energy", "energy")):
                os.makedirs(os.path.join(td, sub))
                np.save(os.path.join(td, sub, f"x_{tag}.npy"), io[f"{p}.{key}"])
            pre = dataset.preprocessor(ambi={f"x_{tag}": d["directions"][tag]}, dac_base_path=os.path.join(td, "dac"),
                                       clip_base_path=os.path.join(td, "clip"), energy_map_path=os.path.join(td, "energy"),
                                       seconds_to_use=d["seconds_to_use"], dac_pad_token_id=V, dac_num_codebooks=R,
                                       dac_frame_rate=d["dac_frame_rate"], clip_frame_rate=d["clip_frame_rate"])
            out = pre.preprocess_eval({"file_path": f"x_{tag}.npy"})
        for k in ("inputs_embeds", "energy_map", "decoder_input_ids", "labels", "direction"):
            report(f"{p}.out.{k}", out[k], io[f"{p}.out.{k}"])
