"""visage-tiny: modeling/visage.py VisageForAmbisonicsGeneration (forward with loss, encoder without
conditions, greedy generate_cfg / generate_dual_cfg with per-step logits)."""
import math

import numpy as np
import torch

from .. import common, refs
from ..common import SetWriter
from . import dataset

NAME = "visage-tiny"

SIZES = {
    "default": dict(batch=2, clip_frames=8, code_frames=12, padded=3, gen_frames=4, d_clip=32, d_model=64,
                    enc_heads=4, dec_heads=4, enc_ffn=128, dec_ffn=128, enc_layers=2, dec_layers=2, vocab=32,
                    num_rvq=9, max_source_length=20, max_target_length=173, dac_sample_rate=44100,
                    clip_frame_rate=4, cfg_scale=3.0, guidance=2.5, spatial_guidance=1.5),
    # 20 codebooks (num_rvq 5), 16 kHz DAC (50 frames/s, hop 320), 7 CLIP frames/s:
    # target_len = int(3 / 7 * 50) = 21, output frames = ceil(int(3 / 7 * 16000) / 320) = 22.
    "alt": dict(batch=3, clip_frames=6, code_frames=11, padded=2, gen_frames=3, d_clip=24, d_model=48,
                enc_heads=3, dec_heads=6, enc_ffn=80, dec_ffn=112, enc_layers=3, dec_layers=1, vocab=70,
                num_rvq=5, max_source_length=13, max_target_length=47, dac_sample_rate=16000,
                clip_frame_rate=7, cfg_scale=2.0, guidance=2.0, spatial_guidance=1.25),
}

MARGIN_MIN = 5e-4  # regenerate the generation inputs until every greedy decision has this top-1/top-2 gap


def build_config(z):
    vm = refs.visage_mono()
    return vm.VisageConfig(
        d_clip=z["d_clip"], num_rvq=z["num_rvq"], dac_vocab_size=z["vocab"], dac_pad_token_id=z["vocab"],
        dac_sample_rate=z["dac_sample_rate"], max_source_length=z["max_source_length"],
        max_target_length=z["max_target_length"], clip_frame_rate=z["clip_frame_rate"],
        classifier_free_guidance=True, cfg_dropout_prob=0.0, cfg_guidance_scale=z["cfg_scale"],
        cfg_spatial_guidance_scale=z["cfg_scale"], label_smoothing=0.0, d_model=z["d_model"],
        encoder_layers=z["enc_layers"], decoder_layers=z["dec_layers"],
        encoder_attention_heads=z["enc_heads"], decoder_attention_heads=z["dec_heads"],
        encoder_ffn_dim=z["enc_ffn"], decoder_ffn_dim=z["dec_ffn"], attn_implementation="eager")


def randomize(model, gen, pad_id):
    """Seeded random values for every parameter, in state_dict order (the module's own init is
    overwritten): Linear W ~ N(0, 1/fan_in), biases N(0, 0.1^2), LayerNorm 1 + N(0, 0.1^2) / N(0, 0.1^2),
    embedding tables N(0, 0.5^2) with zero padding rows, bos/eos N(0, 1), CFG nulls: clip and direction
    N(0, 1), energy a softmax distribution."""
    sd = model.state_dict()
    with torch.no_grad():
        for k, p in sd.items():
            def n(std):
                return torch.randn(p.shape, generator=gen) * std
            if k == "energy_null_embedding":
                v = torch.softmax(torch.randn(p.shape, generator=gen), -1)
            elif k == "null_embedding":
                v = n(1.0)
            elif k == "dir_null_embedding":
                v = n(1.0)
            elif k.endswith(".bos") or k.endswith(".eos"):
                v = n(1.0)
            elif "embed_dac" in k:
                v = n(0.5)
                v[pad_id] = 0.0
            elif "embed_positions" in k or "embed_spatial" in k:
                v = n(0.5)
            elif "layer_norm" in k or "layernorm" in k:
                v = (1.0 + n(0.1)) if k.endswith("weight") else n(0.1)
            elif k.endswith(".bias"):
                v = n(0.1)
            elif k.endswith(".weight") and p.dim() == 2:
                v = n(1.0 / math.sqrt(p.shape[1]))
            else:
                raise KeyError(f"no init rule for {k}")
            p.copy_(v)


def random_energy(gen, shape):
    return torch.softmax(torch.randn(shape, generator=gen) * 2.0, -1)


def random_direction(gen, n):
    d = torch.randn(n, 3, generator=gen)
    return d / d.norm(dim=-1, keepdim=True)


class Recorder:
    """Wraps the decoder and the dac heads of a model instance to record, in call order, the decoder
    inputs/outputs and every head output (the reference's own tensors during generation)."""

    def __init__(self, model):
        self.model = model
        self.dec_calls = []
        self.head_calls = []
        dec = model.model.decoder
        orig = dec.forward

        def dec_forward(*args, **kwargs):
            out = orig(*args, **kwargs)
            ids = kwargs.get("input_ids", args[0] if args else None)
            self.dec_calls.append((ids.clone(), out.last_hidden_state.detach().clone()))
            return out

        dec.forward = dec_forward
        for j, head in enumerate(model.dac_heads):
            self._wrap_head(j, head)

    def _wrap_head(self, j, head):
        orig = head.forward

        def fwd(x):
            y = orig(x)
            self.head_calls.append((j, y.detach().clone()))
            return y

        head.forward = fwd

    def reset(self):
        self.dec_calls.clear()
        self.head_calls.clear()


def head_lists(model, target_len):
    out = []
    for idx in range(target_len * 2 + 1):
        if idx == 0:
            out.append([0])
        elif idx == target_len * 2:
            out.append(list(model.last_heads))
        elif idx % 2 == 0:
            out.append(list(model.even_heads))
        else:
            out.append(list(model.odd_heads))
    return out


def run_generation(model, rec, kind, clip, energy, direction, g, sg):
    rec.reset()
    if kind == "cfg":
        codes = model.generate_cfg(clip, direction, energy, do_sample=False, guidance_scale=g)
        streams = ["cond", "uncond"]
    else:
        codes = model.generate_dual_cfg(clip, direction, energy, guidance_scale=g, spatial_guidance_scale=sg,
                                        do_sample=False)
        streams = ["cond", "uncond", "semantic", "spatial"]
    cfg = model.config
    target_len = int(clip.shape[1] / cfg.clip_frame_rate * cfg.dac_frame_rate)
    hl = head_lists(model, target_len)
    ns = len(streams)
    assert len(rec.dec_calls) == ns * len(hl)
    steps, hpos = [], 0
    fed = []
    for s, heads in enumerate(hl):
        dec = rec.dec_calls[s * ns:(s + 1) * ns]
        if s > 0:
            fed.append(dec[0][0])
        logits = {st: [] for st in streams}
        for j in heads:
            for st in streams:
                jj, y = rec.head_calls[hpos]
                assert jj == j
                logits[st].append(y[:, -1:])
                hpos += 1
        guided = []
        for i in range(len(heads)):
            # the reference's own guidance expressions (modeling/visage.py), on its own head outputs
            if kind == "cfg":
                logit, uncond_logit = logits["cond"][i], logits["uncond"][i]
                guided.append(logit + (logit - uncond_logit) * g)
            else:
                logit, uncond_logit = logits["cond"][i], logits["uncond"][i]
                spatial_logit, semantic_logit = logits["spatial"][i], logits["semantic"][i]
                guided.append(logit + (semantic_logit - uncond_logit) * g + (spatial_logit - uncond_logit) * sg)
        steps.append(dict(heads=heads, logits=logits, guided=guided, hidden={st: dec[i][1] for i, st in enumerate(streams)}))
    assert hpos == len(rec.head_calls)
    fed_back = torch.cat(fed, dim=1)
    # consistency: argmax of the recomputed guided logits is what the reference fed back
    gen_rows = [torch.cat([steps[s]["guided"][i].argmax(-1) for i in range(len(steps[s]["heads"]))], -1)
                for s in range(len(hl))]
    for s in range(1, len(hl)):
        row = fed_back[:, s - 1]
        for i, j in enumerate(steps[s - 1]["heads"]):
            assert int(row[0, j]) == int(gen_rows[s - 1][0, i]), "guided-logit recomputation mismatch"
    margins, maxabs = [], 0.0
    for st in steps:
        for gl in st["guided"]:
            v = gl.reshape(-1)
            top2 = torch.topk(v, 2).values
            margins.append(float(top2[0] - top2[1]))
            maxabs = max(maxabs, float(v.abs().max()))
    return dict(codes=codes, fed_back=fed_back, steps=steps, streams=streams, min_margin=min(margins),
                max_abs=maxabs, target_len=target_len)


def generate(out_root, seed, sizes, ref_info):
    vis = refs.visage()
    z = SIZES[sizes]
    common.seed_all(seed)
    gen = torch.Generator().manual_seed(seed)
    config = build_config(z)
    model = vis.VisageForAmbisonicsGeneration(config)
    model.eval()
    pad = z["vocab"]
    randomize(model, gen, pad)
    R, NC = z["num_rvq"], 4 * z["num_rvq"]
    B, S, T, K, V = z["batch"], z["clip_frames"], z["code_frames"], z["padded"], z["vocab"]

    # ---- inputs (dataset layout from data/preprocess_ambi.py)
    clip = torch.randn(B, S, z["d_clip"], generator=gen)
    energy = random_energy(gen, (B, S, 49))
    direction = random_direction(gen, B)
    codes = torch.randint(0, V, (B, NC, T), generator=gen)
    codes[1, :, T - K:] = pad
    pre = dataset.preprocessor(dac_pad_token_id=pad, dac_num_codebooks=R)
    inter = np.stack([pre.prepare_dac(codes[b].numpy().T) for b in range(B)])
    labels = np.stack([pre.prepare_labels(inter[b]) for b in range(B)])
    inter_t = torch.from_numpy(inter)
    dec_ids = inter_t[:, :-1]
    labels_t = torch.from_numpy(labels)

    # ---- teacher-forced forward (+ the per-head logits the loss is computed from)
    head_out = {}
    hooks = [h.register_forward_hook(lambda m, i, o, j=j: head_out.__setitem__(j, o.detach().clone()))
             for j, h in enumerate(model.dac_heads)]

    def forward(m, dtype):
        with torch.no_grad():
            return m(inputs_embeds=clip.to(dtype), energy_map=energy.to(dtype), direction=direction.to(dtype),
                     decoder_input_ids=dec_ids, labels=labels_t, output_hidden_states=True, return_dict=True)

    out = forward(model, torch.float32)
    for h in hooks:
        h.remove()
    logits = torch.stack([head_out[j] for j in range(NC)])
    enc_nocond = model.model.encoder(inputs_embeds=clip, energy_map=None, direction=None).last_hidden_state.detach()

    # float64 run of the same reference forward
    import copy
    m64 = copy.deepcopy(model).double()
    head64 = {}
    hooks = [h.register_forward_hook(lambda m, i, o, j=j: head64.__setitem__(j, o.detach().clone()))
             for j, h in enumerate(m64.dac_heads)]
    torch.set_default_dtype(torch.float64)  # the reference builds masks/zeros in the default dtype
    try:
        o64 = forward(m64, torch.float64)
    finally:
        torch.set_default_dtype(torch.float32)
    for h in hooks:
        h.remove()
    logits64 = torch.stack([head64[j] for j in range(NC)])
    errs = {
        "encoder_last_hidden_state": common.max_abs_err(out.encoder_last_hidden_state, o64.encoder_last_hidden_state),
        "decoder_last_hidden_state": common.max_abs_err(out.decoder_hidden_states[-1], o64.decoder_hidden_states[-1]),
        "logits": common.max_abs_err(logits, logits64),
        "loss": abs(float(out.loss) - float(o64.loss)),
    }
    del m64

    # ---- greedy generation; inputs redrawn until every decision has a safe margin
    rec = Recorder(model)
    g, sg = z["guidance"], z["spatial_guidance"]
    for attempt in range(20):
        gg = torch.Generator().manual_seed(seed * 1000 + 17 + attempt)
        gclip = torch.randn(1, z["gen_frames"], z["d_clip"], generator=gg)
        genergy = random_energy(gg, (1, z["gen_frames"], 49))
        gdir = random_direction(gg, 1)
        rc = run_generation(model, rec, "cfg", gclip, genergy, gdir, g, sg)
        rd = run_generation(model, rec, "dual", gclip, genergy, gdir, g, sg)
        if min(rc["min_margin"], rd["min_margin"]) >= MARGIN_MIN:
            break
    else:
        raise RuntimeError("no generation input with a safe greedy margin")

    # ---- write
    w = SetWriter(NAME, out_root)
    n_tensors, n_values = w.write_weights(model.state_dict())
    tl = rc["target_len"]
    T_out = int(rc["codes"].shape[1])
    steps_n = 2 * tl + 1
    tolh = "rtol 1e-4, atol 1e-4"
    w.add("forward.clip_features", clip, f"input `inputs_embeds`: CLIP frame features [B, S, d_clip] ({z['clip_frame_rate']} frames per second)", "(input)")
    w.add("forward.energy_map", energy, "input `energy_map`: per-frame 7x7 visual energy map, flattened (row-major) to 49, rows sum to 1", "(input)")
    w.add("forward.direction", direction, "input `direction`: camera direction unit vector [B, 3]", "(input)")
    w.add("forward.codes", codes, f"raw DAC codes per sample [B, {NC}, T] as stored on disk (({NC}, T) per clip); sample 1 has its last {K} frames = pad id {pad} (short clip padded by the dataset)", "(input)")
    w.add("forward.interleaved_ids", inter_t, f"delay-interleaved ids [B, 2T+1, {NC}] built by the dataset code from codes^T (see codes-pattern)", "exact")
    w.add("forward.decoder_input_ids", dec_ids, f"input `decoder_input_ids` = interleaved_ids[:, :-1] [B, 2T, {NC}]", "(input)")
    w.add("forward.labels", labels_t, f"input `labels` = interleaved_ids with pad id replaced by -100 [B, 2T+1, {NC}]", "(input)")
    w.add("forward.encoder_last_hidden_state", out.encoder_last_hidden_state, "encoder output [B, S+2, d_model] (positions: bos, S frames, eos)", tolh)
    ehs = out.encoder_hidden_states
    for i, hsv in enumerate(ehs):
        meaning = "encoder input after layernorm_embedding" if i == 0 else f"output of encoder layer {i - 1}"
        w.add(f"forward.encoder_hidden_states.{i}", hsv, meaning, tolh)
    dhs = out.decoder_hidden_states
    w.add("forward.decoder_last_hidden_state", dhs[-1], "decoder output [B, 2T+1, d_model] (position 0 = learned bos)", tolh)
    for i, hsv in enumerate(dhs):
        meaning = "decoder input after positions + layernorm_embedding" if i == 0 else f"output of decoder layer {i - 1}"
        w.add(f"forward.decoder_hidden_states.{i}", hsv, meaning, tolh)
    w.add("forward.logits", logits, f"per-codebook head logits [{NC}, B, 2T+1, V]: logits[c] = dac_heads[c](decoder_last_hidden_state)", tolh)
    w.add("forward.loss", out.loss.detach().reshape(()), f"summed loss: sum over the {NC} heads of mean cross-entropy over non-ignored (-100) labels (scalar, shape [])", "rtol 1e-4")
    w.add("forward.codebook_loss", torch.tensor(out.codebook_loss, dtype=torch.float32), f"per-head cross-entropy values [{NC}] (a head whose labels are all -100 would give NaN and is reported as 0.0 and skipped in the sum)", "rtol 1e-4")
    w.add("encoder_nocond.last_hidden_state", enc_nocond, "encoder output for forward.clip_features with energy_map=None and direction=None (those terms are skipped) [B, S+2, d_model]", tolh)
    w.add("gen.clip_features", gclip, "generation input `inputs_embeds` [1, S_gen, d_clip]", "(input)")
    w.add("gen.energy_map", genergy, "generation input `energy_map` [1, S_gen, 49]", "(input)")
    w.add("gen.direction", gdir, "generation input `direction` [1, 3]", "(input)")
    for kind, r in (("cfg", rc), ("dual", rd)):
        call = ("generate_cfg(do_sample=False, guidance_scale=g)" if kind == "cfg" else
                "generate_dual_cfg(do_sample=False, guidance_scale=g, spatial_guidance_scale=sg)")
        w.add(f"gen_{kind}.codes", r["codes"], f"returned codes of {call} [1, T_out, {NC}] (time-major; codebook c = channel*{R}+level)", "exact")
        w.add(f"gen_{kind}.fed_back_ids", r["fed_back"], f"ids fed to the decoder at steps 1..2*{tl} [1, 2*{tl}, {NC}] (pad id where a codebook is not generated at that step); equals the dataset's decoder_input_ids layout of the generated codes", "exact")
        for k in range(3):
            st = r["steps"][k]
            w.add(f"gen_{kind}.step{k}.heads", torch.tensor(st["heads"], dtype=torch.int64), f"codebook heads evaluated at step {k}, in evaluation order", "exact")
            for s in r["streams"]:
                w.add(f"gen_{kind}.step{k}.{s}_logits", torch.cat([x[:, -1] for x in st["logits"][s]], 0),
                      f"step {k}: last-position logits of the '{s}' stream for each head in heads [n_heads, V]", tolh)
            w.add(f"gen_{kind}.step{k}.guided_logits", torch.cat([x[:, -1] for x in st["guided"]], 0),
                  f"step {k}: guided logits [n_heads, V] (argmax = chosen token)", "rtol 1e-4, atol 1e-3")
            for s in r["streams"]:
                w.add(f"gen_{kind}.step{k}.{s}_decoder_hidden", st["hidden"][s][:, -1],
                      f"step {k}: decoder last_hidden_state of the '{s}' stream [1, d_model] (the single new position)", tolh)
    w.write_io()
    common.write_json(w.file("config.json"), config.to_dict())

    fixture = {
        "float32_vs_float64_max_abs_err": errs,
        "gen_cfg.min_guided_margin": rc["min_margin"],
        "gen_cfg.max_abs_guided_logit": rc["max_abs"],
        "gen_dual.min_guided_margin": rd["min_margin"],
        "gen_dual.max_abs_guided_logit": rd["max_abs"],
        "seed": seed,
        "variant": "public",
        "batch": B,
        "clip_frames": S,
        "code_frames": T,
        "padded_frames_in_sample1": K,
        "generation_clip_frames": z["gen_frames"],
        "generation_target_len": tl,
        "generation_steps": steps_n,
        "generation_output_frames": T_out,
        "guidance_scale": g,
        "spatial_guidance_scale": sg,
        "do_sample": False,
        "generation_input_attempt": attempt,
        "even_heads": list(model.even_heads),
        "odd_heads": list(model.odd_heads),
        "last_heads": list(model.last_heads),
        "reference": ref_info(["visage", "dac", "clip"]),
    }
    common.write_json(w.file("fixture.json"), fixture)
    rows = math.ceil((pad + 1) / 64) * 64
    w.write_text("README.md", readme(w, z, config, model, n_tensors, n_values, rows, tl, T_out))
    tol_check(errs)
    return w


def tol_check(errs):
    for k, e in errs.items():
        limit = 1e-4 if k == "loss" else 1e-4
        if k != "loss" and 10 * e > limit:
            print(f"WARNING visage-tiny: float32-vs-float64 {k} error {e:.3g} exceeds a tenth of the README atol")


def readme(w, z, config, model, n_tensors, n_values, rows, tl, T_out):
    R, NC, V = z["num_rvq"], 4 * z["num_rvq"], z["vocab"]
    odd_w = list(range(1, R))
    odd_s = [R, 2 * R, 3 * R]
    n_last = len(model.last_heads)
    fps, ds = config.dac_frame_rate, config.dac_downsample_rate
    return f"""# visage-tiny: ViSAGe ambisonics generator (BART-style encoder-decoder), tiny random weights

`VisageForAmbisonicsGeneration` with a tiny configuration (`config.json`) and seeded random
weights. Covers the teacher-forced forward pass with loss (`forward.*`), the encoder
alone without optional conditions (`encoder_nocond.*`), greedy classifier-free-guidance
generation (`gen_cfg.*`) and greedy dual guidance generation (`gen_dual.*`).
{NC} codebooks = 4 ambisonic channels (W, Y, Z, X) x {R} residual levels; codebook
index c = channel * {R} + level. DAC vocabulary {V}, pad id {V}; each of the {NC} token
embedding tables has ceil(({V}+1)/64)*64 = {rows} rows.

## Files

{common.FILES_HEAD}
{common.ROW_CONFIG.format("model configuration (all BartConfig + VisageConfig attributes, HF-style keys)")}
{common.ROW_FIXTURE}
{common.ROW_IO}
{common.ROW_WST}
{common.ROW_WPT}

Weights: {n_tensors} tensors, {n_values} values.
- `model.encoder.embed_spatial.weight` exists in the module (and in real checkpoints) but is never used by the forward pass.
- Rows at the padding index ({V}) of every `model.decoder.embed_dac.*` table are zero, as in trained checkpoints; they are still looked up (no special-casing).
- `model.decoder.embed_positions.weight` has max_target_length + 2 rows: row = position + 2 (rows 0 and 1 are never read).
- `model.encoder.embed_positions.weight` has max_source_length rows and NO offset; it is added to the S frame tokens only (not to bos/eos).

## Tensors in `io.safetensors`

{w.table()}

## Notes

- Encoder: x = clip_projection(clip) + energy_map_projection(energy) + embed_positions[0..S-1] + direction_embedding(direction) (broadcast over frames); then [bos, x_1..x_S, eos] -> layernorm_embedding -> post-LN BART encoder layers (no final LayerNorm). energy/direction terms are skipped when None.
- Decoder input: position 0 is the learned `model.decoder.bos` vector; position k>=1 is the SUM of the {NC} codebook embeddings of decoder_input_ids[k-1] (pad ids included, looked up in the table). Then + learned positions (row = position + 2), layernorm_embedding, post-LN BART decoder layers with causal self-attention (masked scores get float32 min before softmax) and cross-attention over all encoder positions.
- Attention: q = q_proj(x) * head_dim**-0.5, softmax(q k^T) v, out_proj; activation = exact erf GELU; LayerNorm eps 1e-5.
- Loss: CrossEntropyLoss(ignore_index=-100, label_smoothing=config.label_smoothing) per head over all (B, 2T+1) positions, summed over heads. Labels are NOT shifted relative to the decoder positions: position k predicts interleaved_ids[k] (the bos at position 0 supplies the shift).
- The reference forward pass randomly replaces (clip, energy) and, independently, direction by the learned null embeddings with probability cfg_dropout_prob EVEN IN EVAL MODE; these fixtures use cfg_dropout_prob = 0 so the forward is deterministic.
- Generation: target_len = int(S / clip_frame_rate * dac_frame_rate) codec frames, 2*target_len+1 decoder steps with KV cache. Step 0 feeds only the bos (1-D input ids) and evaluates head 0; odd steps evaluate heads {odd_w} + {odd_s} (W residual levels + primary level of Y, Z, X); even steps >= 2 evaluate head 0 + the remaining {n_last} heads; the final step evaluates only those {n_last} heads. Heads not evaluated at a step get the pad id in the fed-back ids.
- Guidance (greedy): cfg: l = c + (c - u) * g; dual: l = c + (s_sem - u) * g + (s_spa - u) * sg, with c = cond (clip, energy, dir), u = (null, null, null), s_sem = (clip, energy, null dir), s_spa = (null clip, null energy, dir); null = learned `null_embedding` (expanded over frames), `energy_null_embedding`, `dir_null_embedding`. Token = argmax (first index on ties). A negative scale argument means 'use config.cfg_guidance_scale / cfg_spatial_guidance_scale'.
- Un-interleaving after generation: codebook 0 <- generated[:, :-1][:, 0::2]; codebooks 1..{R - 1} and {R}, {2 * R}, {3 * R} <- generated[:, 1::2]; others <- generated[:, 2::2]. Then codes are right-padded by REPEATING THE LAST FRAME up to ceil(int(S / clip_frame_rate * dac_sample_rate) / dac_downsample_rate) frames ({T_out} here, vs target_len {tl}). dac_frame_rate/dac_downsample_rate are 86/512 when dac_sample_rate == 44100, else 50/320.
- Step tensors (`gen_*.stepK.*`) are taken from the reference's own head/decoder calls during generation. To test generation robustly, drive your decoder with `fed_back_ids` (teacher forcing) and compare logits; `fixture.json` gives the smallest top-1/top-2 gap of the guided logits over all steps, i.e. how much numeric slack the exact-token comparison of `gen_*.codes` has.
- Sampling (do_sample=True, used by the released generate script with top_k=256) is not covered: it draws with torch.multinomial. Note that top_k must not exceed the vocabulary size.
"""


def recheck(set_dir, report):
    """Re-run the reference on the committed weights and inputs of `set_dir`; report() each output."""
    import json
    import os

    vm, vis = refs.visage_mono(), refs.visage()
    cfgd = json.load(open(os.path.join(set_dir, "config.json")))
    cfgd = {k: v for k, v in cfgd.items() if k not in ("model_type", "dac_downsample_rate", "dac_frame_rate")}
    cfgd["attn_implementation"] = cfgd.pop("_attn_implementation")
    config = vm.VisageConfig(**cfgd)
    model = vis.VisageForAmbisonicsGeneration(config).eval()
    wts, _ = common.read_safetensors(os.path.join(set_dir, "weights.safetensors"))
    model.load_state_dict({k: torch.from_numpy(v) for k, v in wts.items()}, strict=True)
    io, _ = common.read_safetensors(os.path.join(set_dir, "io.safetensors"))
    t = {k: torch.from_numpy(v) for k, v in io.items()}
    fx = json.load(open(os.path.join(set_dir, "fixture.json")))
    NC = 4 * config.num_rvq
    pre = dataset.preprocessor(dac_pad_token_id=config.dac_pad_token_id, dac_num_codebooks=config.num_rvq)
    inter = np.stack([pre.prepare_dac(c.T) for c in io["forward.codes"]])
    report("forward.interleaved_ids", inter, io["forward.interleaved_ids"])
    head_out = {}
    hooks = [h.register_forward_hook(lambda m, i, o, j=j: head_out.__setitem__(j, o.detach().clone()))
             for j, h in enumerate(model.dac_heads)]
    with torch.no_grad():
        out = model(inputs_embeds=t["forward.clip_features"], energy_map=t["forward.energy_map"],
                    direction=t["forward.direction"], decoder_input_ids=t["forward.decoder_input_ids"],
                    labels=t["forward.labels"], output_hidden_states=True, return_dict=True)
    for h in hooks:
        h.remove()
    report("forward.encoder_last_hidden_state", out.encoder_last_hidden_state, io["forward.encoder_last_hidden_state"])
    for i, hsv in enumerate(out.encoder_hidden_states):
        report(f"forward.encoder_hidden_states.{i}", hsv, io[f"forward.encoder_hidden_states.{i}"])
    report("forward.decoder_last_hidden_state", out.decoder_hidden_states[-1], io["forward.decoder_last_hidden_state"])
    for i, hsv in enumerate(out.decoder_hidden_states):
        report(f"forward.decoder_hidden_states.{i}", hsv, io[f"forward.decoder_hidden_states.{i}"])
    report("forward.logits", torch.stack([head_out[j] for j in range(NC)]), io["forward.logits"])
    report("forward.loss", out.loss.reshape(()), io["forward.loss"])
    report("forward.codebook_loss", np.array(out.codebook_loss, dtype=np.float32), io["forward.codebook_loss"])
    with torch.no_grad():
        enc = model.model.encoder(inputs_embeds=t["forward.clip_features"], energy_map=None, direction=None)
    report("encoder_nocond.last_hidden_state", enc.last_hidden_state, io["encoder_nocond.last_hidden_state"])
    rec = Recorder(model)
    g, sg = fx["guidance_scale"], fx["spatial_guidance_scale"]
    for kind in ("cfg", "dual"):
        r = run_generation(model, rec, kind, t["gen.clip_features"], t["gen.energy_map"], t["gen.direction"], g, sg)
        report(f"gen_{kind}.codes", r["codes"], io[f"gen_{kind}.codes"])
        report(f"gen_{kind}.fed_back_ids", r["fed_back"], io[f"gen_{kind}.fed_back_ids"])
        for k in range(3):
            st = r["steps"][k]
            report(f"gen_{kind}.step{k}.heads", np.array(st["heads"]), io[f"gen_{kind}.step{k}.heads"])
            for s in r["streams"]:
                report(f"gen_{kind}.step{k}.{s}_logits", torch.cat([x[:, -1] for x in st["logits"][s]], 0), io[f"gen_{kind}.step{k}.{s}_logits"])
                report(f"gen_{kind}.step{k}.{s}_decoder_hidden", st["hidden"][s][:, -1], io[f"gen_{kind}.step{k}.{s}_decoder_hidden"])
            report(f"gen_{kind}.step{k}.guided_logits", torch.cat([x[:, -1] for x in st["guided"]], 0), io[f"gen_{kind}.step{k}.guided_logits"])
        report(f"fixture gen_{kind}.min_guided_margin", np.array(r["min_margin"]), np.array(fx[f"gen_{kind}.min_guided_margin"]),
               "rtol 1e-2")
