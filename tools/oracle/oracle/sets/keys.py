"""keys: state_dict() names/shapes/dtypes of the FULL-SIZE reference modules (DAC 44.1 kHz, ViSAGe
from the released cfg/config.json, CLIP ViT-B/32 after clip.model.convert_weights).  These do not
depend on --seed or --sizes (the full-size models have one configuration)."""
import json
import os

import torch

from .. import common, refs

NAME = "keys"
NEEDS = refs.CORE + ["torchvggish", "hear21passt"]

DAC_KWARGS = {"encoder_dim": 64, "encoder_rates": [2, 4, 8, 8], "latent_dim": None, "decoder_dim": 1536,
              "decoder_rates": [8, 8, 4, 2], "n_codebooks": 9, "codebook_size": 1024, "codebook_dim": 8,
              "quantizer_dropout": False, "sample_rate": 44100}
CLIP_VITB32 = {"embed_dim": 512, "image_resolution": 224, "vision_layers": 12, "vision_width": 768,
               "vision_patch_size": 32, "vision_heads": 12, "context_length": 77, "vocab_size": 49408,
               "transformer_width": 512, "transformer_heads": 8, "transformer_layers": 12}


def tensors(sd):
    return [{"name": k, "shape": list(v.shape), "dtype": str(v.dtype).replace("torch.", "")} for k, v in sd.items()]


def summary(sd):
    return len(sd), int(sum(v.numel() for v in sd.values()))


def generate(out_root, seed, sizes, ref_info):
    out = os.path.join(out_root, NAME)
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    with torch.no_grad():
        # DAC 44.1 kHz
        D = refs.dac()
        m = D.DAC(**DAC_KWARGS)
        sd = m.state_dict()
        kw = dict(DAC_KWARGS, latent_dim=m.latent_dim)
        n, v = summary(sd)
        common.write_json(os.path.join(out, "dac-44khz-keys.json"), {
            "model": "dac.model.dac.DAC", "constructor_kwargs": kw, "hop_length": int(m.hop_length),
            "n_tensors": n, "n_values": v,
            "container": "released weight files: torch.save({'state_dict': <these keys>, 'metadata': {'kwargs': {...}}})",
            "reference": ref_info(["dac"])["dac"], "tensors": tensors(sd)}, indent=1)
        del m, sd
        # ViSAGe from the released cfg/config.json
        vm, vis = refs.visage_mono(), refs.visage()
        cfg_json = json.load(open(refs.path("visage", "cfg", "config.json")))
        kwargs = dict(cfg_json)
        kwargs["attn_implementation"] = kwargs.pop("_attn_implementation")
        config = vm.VisageConfig(**kwargs)
        m = vis.VisageForAmbisonicsGeneration(config)
        sd = m.state_dict()
        n, v = summary(sd)
        eff = {k: getattr(config, k) for k in ("d_model", "encoder_layers", "decoder_layers", "encoder_attention_heads",
                                               "decoder_attention_heads", "encoder_ffn_dim", "decoder_ffn_dim",
                                               "dac_frame_rate", "dac_downsample_rate")}
        common.write_json(os.path.join(out, "visage-keys.json"), {
            "model": "modeling.visage.VisageForAmbisonicsGeneration", "config_json": cfg_json, "effective": eff,
            "n_tensors": n, "n_values": v, "reference": ref_info(["visage"])["visage"], "tensors": tensors(sd)},
            indent=1)
        del m, sd
        # CLIP ViT-B/32 with clip.load()'s fp16 conversion
        M = refs.clip_model()
        m = M.CLIP(**{k: v for k, v in CLIP_VITB32.items() if k != "vision_heads"})  # heads = width // 64 inside
        assert m.visual.transformer.resblocks[0].attn.num_heads == CLIP_VITB32["vision_heads"]
        M.convert_weights(m)
        sd = m.state_dict()
        n, v = summary(sd)
        common.write_json(os.path.join(out, "clip-vitb32-keys.json"), {
            "model": "clip.model.CLIP (ViT-B/32)", "constructor": CLIP_VITB32,
            "dtype_note": "dtypes after clip.model.convert_weights (fp16 for conv/linear/attention in-proj weights and `proj`/`text_projection`; fp32 elsewhere), as clip.load() builds the model; the released file additionally holds the scalar entries 'input_resolution', 'context_length', 'vocab_size', which build_model() deletes",
            "n_tensors": n, "n_values": v, "reference": ref_info(["clip"])["clip"], "tensors": tensors(sd)}, indent=1)
    write_semantic_keys(out, ref_info)
    with open(os.path.join(out, "README.md"), "w") as f:
        f.write(README)


def write_semantic_keys(out, ref_info):
    """vggish-keys.json and passt-keys.json (needs only the torchvggish and hear21passt folders)."""
    torch.manual_seed(0)
    with torch.no_grad():
        V = refs.vggish()
        m = V.VGGish(urls=None, device=torch.device("cpu"), pretrained=False, postprocess=True)
        sd = m.state_dict()
        n, v = summary(sd)
        common.write_json(os.path.join(out, "vggish-keys.json"), {
            "model": "torchvggish.vggish.VGGish (torch.hub harritaylor/torchvggish 'vggish')",
            "files": {"vggish-10086976.pth": "state_dict with the features.* and embeddings.* entries",
                      "vggish_pca_params-970ea276.pth": "pca_eigen_vectors [128, 128] and pca_means [128] (the module holds pca_means as [128, 1] under pproc.)"},
            "n_tensors": n, "n_values": v, "reference": ref_info(["torchvggish"])["torchvggish"],
            "tensors": tensors(sd)}, indent=1)
        del m, sd
        P = refs.passt_model()
        P.first_RUN = False
        import contextlib
        import io as _io
        with contextlib.redirect_stdout(_io.StringIO()):
            net = P.get_model(arch="passt_s_swa_p16_128_ap476", pretrained=False, n_classes=527, in_channels=1,
                              fstride=10, tstride=10, input_fdim=128, input_tdim=998)
        sd = net.state_dict()
        n, v = summary(sd)
        common.write_json(os.path.join(out, "passt-keys.json"), {
            "model": "hear21passt.models.passt.PaSST (get_model(arch='passt_s_swa_p16_128_ap476'))",
            "file": "passt-s-f128-p16-s10-ap.476-swa.pt (github.com/kkoutini/PaSST releases v0.0.1-audioset)",
            "constructor": {"img_size": [128, 998], "patch_size": 16, "stride": [10, 10], "embed_dim": 768,
                            "depth": 12, "num_heads": 12, "distilled": True, "num_classes": 527},
            "n_tensors": n, "n_values": v, "reference": ref_info(["hear21passt"])["hear21passt"],
            "tensors": tensors(sd)}, indent=1)


README = """# keys: parameter names of the full-size models

Tensor names, shapes and dtypes of the full-size modules, as produced by `state_dict()` of
the reference implementation (random initialisation; no weights here). Use them to check a
checkpoint reader / module tree against real checkpoints.

| file | module |
| --- | --- |
| `dac-44khz-keys.json` | `DAC(encoder_dim=64, encoder_rates=[2,4,8,8], decoder_dim=1536, decoder_rates=[8,8,4,2], n_codebooks=9, codebook_size=1024, codebook_dim=8, sample_rate=44100)` |
| `visage-keys.json` | `VisageForAmbisonicsGeneration` built from the released `cfg/config.json` (d_model 1024, 6 encoder / 12 decoder layers, 16 heads, FFN 4096) |
| `clip-vitb32-keys.json` | CLIP ViT-B/32 (vision tower under `visual.`; the text tower is listed too) |
| `vggish-keys.json` | torchvggish `VGGish` with its postprocessor (`pproc.*`); the released weights come as two files (listed in it) |
| `passt-keys.json` | PaSST `passt_s_swa_p16_128_ap476` (the network; the evaluation wraps it as `net.` in PasstBasicWrapper) |

Each file: `{..., "tensors": [{"name", "shape", "dtype"}, ...]}` in `state_dict()` order.
"""
