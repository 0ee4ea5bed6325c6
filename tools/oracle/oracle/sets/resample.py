"""resample: torchaudio (installed Debian python3-torchaudio 0.13.1) functional.resample /
transforms.Resample and julius (reference checkout) resample_frac / ResampleFrac, as
audiotools' AudioSignal.resample calls it."""
import json
import math
import os

import numpy as np
import torch
import torchaudio
import torchaudio.functional.functional as taF

from .. import common, refs
from ..common import SetWriter

NAME = "resample"

SIZES = {
    "default": dict(ta=[(44100, 16000, 4417), (48000, 16000, 4807), (16000, 32000, 1607)],
                    ta_transform=[(44100, 16000, 4417)],
                    julius=[(48000, 44100, 4807), (48000, 16000, 4807), (44100, 48000, 4417)]),
    "alt": dict(ta=[(22050, 16000, 2209), (32000, 24000, 3203), (8000, 44100, 803)],
                ta_transform=[(48000, 16000, 4811)],
                julius=[(32000, 44100, 3203), (44100, 24000, 4421), (16000, 22050, 1601)]),
}

CONFIG = {
    "torchaudio_resample": {"lowpass_filter_width": 6, "rolloff": 0.99, "resampling_method": "sinc_interpolation",
                            "beta": None, "padding": "zeros", "output_length": "ceil(new * L / orig)"},
    "julius_resample_frac": {"zeros": 24, "rolloff": 0.945, "output_length": None, "full": False,
                             "padding": "replicate", "output_length_rule": "floor(float32(new * L / old))"},
}


def signal(gen, L, sr):
    """rows: gaussian noise, linear chirp 20 Hz -> 0.48*sr, impulses at 2, L//3, L-3, DC 0.25 + 1 kHz tone"""
    t = np.arange(L) / sr
    D = L / sr
    noise = 0.3 * torch.randn(L, generator=gen).numpy()
    chirp = 0.5 * np.sin(2 * np.pi * (20 * t + (0.48 * sr - 20) * t ** 2 / (2 * D)))
    imp = np.zeros(L)
    imp[2], imp[L // 3], imp[L - 3] = 1.0, -0.75, 0.5
    tone = 0.25 + 0.4 * np.sin(2 * np.pi * 1000 * t + 0.3)
    return torch.from_numpy(np.stack([noise, chirp, imp, tone]).astype(np.float32))


def ta_kernel(o, n, dtype):
    g = math.gcd(o, n)
    k, width = taF._get_sinc_resample_kernel(o, n, g, 6, 0.99, "sinc_interpolation", None, torch.device("cpu"), dtype)
    return k, width


def julius_kernel64(rs):
    """julius' _init_kernels formula evaluated in float64 (deviation estimate only)."""
    sr = min(rs.new_sr, rs.old_sr) * rs.rolloff
    idx = torch.arange(-rs._width, rs._width + rs.old_sr, dtype=torch.float64)
    ks = []
    for i in range(rs.new_sr):
        t = ((-i / rs.new_sr + idx / rs.old_sr) * sr).clamp(-rs.zeros, rs.zeros) * math.pi
        k = torch.where(t == 0, torch.tensor(1.0, dtype=torch.float64), torch.sin(t) / t) * torch.cos(t / rs.zeros / 2) ** 2
        ks.append(k / k.sum())
    return torch.stack(ks).view(rs.new_sr, 1, -1)


def length_inputs(o, n, L, sr, extra):
    base = {1, 2, 3, o - 1, o, o + 1, L, sr, 5 * sr, 5 * sr + 1, 10 * sr + 3}
    return sorted(x for x in base | set(extra) if x >= 1)


def julius_roundups(old, new, sr):
    """first L >= anchor (anchors 0, 5 s, 10 s; searched up to the next anchor) where julius'
    floor(float32(new * L / old)) exceeds the exact floor"""
    g = math.gcd(old, new)
    o, n = old // g, new // g
    out = []
    for a0, a1 in ((1, 5 * sr), (5 * sr, 10 * sr), (10 * sr, 15 * sr)):
        Ls = np.arange(a0, a1, dtype=np.int64)
        q32 = np.floor(np.array([n * int(L) / o for L in Ls], dtype=np.float64).astype(np.float32)).astype(np.int64)
        hit = np.nonzero(q32 > (n * Ls) // o)[0]
        if hit.size:
            out.append(int(Ls[hit[0]]))
    return out


def generate(out_root, seed, sizes, ref_info):
    jr = refs.julius_resample()
    z = SIZES[sizes]
    common.seed_all(seed)
    gen = torch.Generator().manual_seed(seed)
    w = SetWriter(NAME, out_root)
    cases, lengths, roundups = {}, {}, {}
    max_err = 0.0
    for lib in ("ta", "ta_transform", "julius"):
        for o_sr, n_sr, L in z[lib]:
            name = f"{lib}.{o_sr}_{n_sr}"
            x = signal(gen, L, o_sr)
            g = math.gcd(o_sr, n_sr)
            o, n = o_sr // g, n_sr // g
            if lib == "ta":
                y = torchaudio.functional.resample(x, o_sr, n_sr)
                y64 = torchaudio.functional.resample(x.double(), o_sr, n_sr)
                k, width = ta_kernel(o_sr, n_sr, torch.float32)
                k64, _ = ta_kernel(o_sr, n_sr, torch.float64)
                err, kerr = common.max_abs_err(y, y64), common.max_abs_err(k, k64)
                info = {"orig_freq": o_sr, "new_freq": n_sr, "gcd": g, "orig_reduced": o, "new_reduced": n,
                        "width": width, "kernel_size": int(k.shape[-1]), "input_length": L,
                        "output_length": int(y.shape[-1]), "float32_vs_float64_max_abs_err": err,
                        "kernel_float32_vs_float64_max_abs_err": kerr}
            elif lib == "ta_transform":
                tr = torchaudio.transforms.Resample(o_sr, n_sr)
                y = tr(x)
                y64 = torchaudio.functional.resample(x.double(), o_sr, n_sr)
                k = tr.kernel
                k64, width = ta_kernel(o_sr, n_sr, torch.float64)
                err, kerr = common.max_abs_err(y, y64), common.max_abs_err(k, k64)
                yf = torchaudio.functional.resample(x, o_sr, n_sr)
                info = {"orig_freq": o_sr, "new_freq": n_sr, "width": width, "input_length": L,
                        "output_length": int(y.shape[-1]), "float32_vs_float64_max_abs_err": err,
                        "kernel_float32_vs_float64_max_abs_err": kerr,
                        "max_abs_diff_vs_functional_resample": common.max_abs_err(y, yf)}
            else:
                x = x[None]
                y = refs.julius().resample_frac(x, o_sr, n_sr)
                rs = jr.ResampleFrac(o_sr, n_sr)
                k = rs.kernel
                y64a = refs.julius().resample_frac(x.double(), o_sr, n_sr)
                rs64 = jr.ResampleFrac(o_sr, n_sr)
                k64 = julius_kernel64(rs64)
                rs64.kernel = k64
                y64b = rs64(x.double())
                err = max(common.max_abs_err(y, y64a), common.max_abs_err(y, y64b))
                kerr = common.max_abs_err(k, k64)
                width = rs._width
                info = {"old_sr": o_sr, "new_sr": n_sr, "old_reduced": o, "new_reduced": n, "width": width,
                        "kernel_size": int(k.shape[-1]), "input_length": L, "output_length": int(y.shape[-1]),
                        "float32_vs_float64_max_abs_err": err, "kernel_float32_vs_float64_max_abs_err": kerr}
            max_err = max(max_err, err)
            cases[name] = info
            atol = common.atol_from_err(max(err, kerr))
            tol = f"rtol 1e-4, atol {common.fmt_tol(atol)}"
            phases, ksize = int(k.shape[0]), int(k.shape[-1])
            if lib == "ta":
                w.add(f"{name}.input", x, f"input signal [4, L={L}] at {o_sr} Hz (rows: gaussian noise, linear chirp 20 Hz -> 0.48*sr, impulses at 2, L//3, L-3, DC 0.25 + 1 kHz tone)", "(input)")
                w.add(f"{name}.output", y, f"torchaudio.functional.resample(input, {o_sr}, {n_sr}) with default arguments [4, ceil({n} * L / {o}) = {y.shape[-1]}]", tol)
                w.add(f"{name}.kernel", k, f"the float32 resampling kernel functional.resample builds for a float32 input [{phases} phases, 1, 2*width + {o}], width = {width} (not normalised)", tol)
            elif lib == "ta_transform":
                w.add(f"{name}.input", x, f"input signal [4, L={L}] at {o_sr} Hz (same construction as the ta.* inputs)", "(input)")
                w.add(f"{name}.output", y, f"torchaudio.transforms.Resample({o_sr}, {n_sr})(input) [4, {y.shape[-1]}]: same algorithm as functional.resample, but its kernel is computed in float64 and then stored as float32", tol)
                w.add(f"{name}.kernel", k, f"Resample.kernel buffer (float32) [{phases}, 1, {ksize}]", tol)
            else:
                w.add(f"{name}.input", x, f"input signal [1, 4, L={L}] at {o_sr} Hz (AudioSignal layout [batch, channels, time]; rows as in the ta.* inputs)", "(input)")
                w.add(f"{name}.output", y, f"julius.resample_frac(input, {o_sr}, {n_sr}) (zeros=24, rolloff=0.945) [1, 4, floor({n} * L / {o}) = {y.shape[-1]}]", tol)
                w.add(f"{name}.kernel", k, f"ResampleFrac({o_sr}, {n_sr}).kernel (float32) [{phases} phases, 1, 2*width + {o}], width = {width}; each phase normalised to sum 1", tol)
    # output-length tables: the reference run on all-zero [1, L] inputs
    for lib in ("ta", "julius"):
        for o_sr, n_sr, L in z[lib]:
            g = math.gcd(o_sr, n_sr)
            o, n = o_sr // g, n_sr // g
            extra = []
            if lib == "julius":
                ru = julius_roundups(o_sr, n_sr, o_sr)
                extra = [v for r in ru for v in (r - 1, r)]
            Ls = length_inputs(o, n, L, o_sr, extra)
            outs = []
            for Li in Ls:
                zx = torch.zeros(1, Li)
                if lib == "ta":
                    outs.append(int(torchaudio.functional.resample(zx, o_sr, n_sr).shape[-1]))
                else:
                    outs.append(int(refs.julius().resample_frac(zx, o_sr, n_sr).shape[-1]))
            key = f"{lib}.{o_sr}_{n_sr}"
            lengths[key] = {"input_length": Ls, "output_length": outs}
            if lib == "julius":
                roundups[f"{o_sr}_{n_sr}"] = [{"input_length": Li, "output_length": oi, "exact_floor": (n * Li) // o}
                                              for Li, oi in zip(Ls, outs) if oi != (n * Li) // o]
    for lib in ("ta", "julius"):
        for o_sr, n_sr, L in z[lib]:
            key = f"{lib}.{o_sr}_{n_sr}"
            Ls, outs = lengths[key]["input_length"], lengths[key]["output_length"]
            lname = "torchaudio" if lib == "ta" else "julius"
            w.add(f"lengths.{key}.input_length", np.array(Ls, dtype=np.int64), f"input lengths L (1-channel inputs) for the {o_sr} -> {n_sr} {lname} length table", "(input)")
            rule = ("ceil(new * L / orig) (Python float division, math.ceil)" if lib == "ta" else
                    "floor(float32(new * L / old)): the quotient is a Python float turned into a float32 tensor before torch.floor")
            w.add(f"lengths.{key}.output_length", np.array(outs, dtype=np.int64), f"output length the reference returned for each input length: {rule}", "exact")
    w.write_io()
    common.write_json(w.file("config.json"), CONFIG)
    fixture = {
        "seed": seed, "variant": "public",
        "versions": {
            "torch": torch.__version__, "torchaudio": torchaudio.__version__,
            "torchaudio_source": "installed package (Debian python3-torchaudio), not a stand-in module",
            "julius": f"github.com/adefossez/julius@{refs.revision('julius')} (setup.py version 0.2.8a1; julius/resample.py, julius/utils.py and core.sinc are identical to the 0.2.7 release)",
            "audiotools_call": "AudioSignal.resample(sample_rate): julius.resample_frac(self.audio_data, self.sample_rate, sample_rate)",
        },
        "cases": cases,
        "float32_vs_float64_max_abs_err": max_err,
        "lengths": lengths,
        "julius_length_rounds_up": roundups,
        "reference": ref_info(["julius"]),
    }
    common.write_json(w.file("fixture.json"), fixture)
    jl = z["julius"][0]
    first_ru = next((r for r in roundups.get(f"{jl[0]}_{jl[1]}", [])), None)
    example = (f"{jl[0]} -> {jl[1]} from L = {first_ru['input_length']} on" if first_ru else "for some lengths")
    w.write_text("README.md", f"""# resample: sample-rate conversion (torchaudio sinc resampling, julius resample_frac)

The two resamplers of the ViSAGe pipeline on short 4-channel test signals:
`torchaudio.functional.resample(x, orig, new)` with its default arguments (Hann-windowed
sinc, lowpass_filter_width 6, rolloff 0.99; used when test clips are brought to 16 kHz and
by the audioldm_eval wave loader (16 kHz for FAD, 32 kHz for PaSST)), the kernel-caching
`torchaudio.transforms.Resample(orig, new)` (44.1 kHz -> 16 kHz in generate_ambi.py), and
`julius.resample_frac(x, old_sr, new_sr)` exactly as audiotools' `AudioSignal.resample`
calls it (zeros 24, rolloff 0.945, default output length; the DAC tokenisation path
48 kHz -> 44.1 kHz). Also the resampling kernels and tables of output lengths for many
input lengths (the two libraries round differently).

## Files

{common.FILES_HEAD}
{common.ROW_CONFIG.format("resampler arguments used (the libraries' defaults; `new`/`orig`/`old` are the rates divided by their gcd)")}
{common.ROW_FIXTURE}
{common.ROW_IO}

## Tensors in `io.safetensors`

{w.table()}

## Notes

- torchaudio kernel (0.13.1 `_get_sinc_resample_kernel`, resampling_method "sinc_interpolation", called "sinc_interp_hann" in later torchaudio releases): o, n = orig, new divided by their gcd; base = min(o, n) * rolloff; width = ceil(lowpass_filter_width * o / base); for phase i = 0..n-1 and k = 0..2*width+o-1: t = (-i / n + (k - width) / o) * base, clamped to [-lpw, lpw]; window = cos(t * pi / lpw / 2)^2; kernel[i, 0, k] = sinc(pi t) * window * base / o with sinc(0) = 1. functional.resample builds it in the input's dtype (float32 here: idx and t are float32 tensors); transforms.Resample (dtype=None) builds it in float64 and casts to float32, hence its slightly different output.
- torchaudio application: x reshaped to [-1, L], zero-padded by (width, width + o), conv1d with the n kernels and stride o -> [B, n, frames], transposed and flattened so output sample j*n + i comes from frame j, phase i, then truncated to ceil(n * L / o) samples. orig == new returns the input unchanged.
- julius kernel (`ResampleFrac._init_kernels`): o, n = rates divided by their gcd; sr = min(o, n) * rolloff (0.945); width = ceil(zeros * o / sr) (zeros = 24); idx = arange(-width, width + o) as float32; for phase i: t = (-i / n + idx / o) * sr, clamped to [-zeros, zeros], t *= pi; window = cos(t / zeros / 2)^2; kernel_i = sinc(t) * window (sinc(0) = 1), divided by its own sum (each phase sums to 1). Always computed in float32 and then cast to the input's dtype.
- julius application: x reshaped to [-1, L], REPLICATE-padded by (width, width + o) (edge samples repeated, unlike torchaudio's zeros), conv1d stride o, phases interleaved as for torchaudio, then truncated to the default output length floor(n * L / o) where the quotient n * L / o is computed as a Python float and converted to a float32 tensor (torch.as_tensor) before torch.floor. For large L the float32 rounding can reach the next integer and julius returns ONE MORE sample than the exact floor (e.g. {example}); such lengths are in the lengths.julius.* tables and listed in fixture.json `julius_length_rounds_up`. The extra sample is a genuinely computed one (the convolution always yields n * (floor(L / o) + 1) samples).
- The resampled outputs are float32. Tolerances come from the float32-vs-float64 deviation (`fixture.json`): torchaudio run on float64 input (which also builds its kernel in float64); for julius the larger of the reference run on float64 input (its kernel is built in float32 regardless) and the same forward with a kernel evaluated in float64. Kernel tolerances are the float32-vs-float64 kernel differences (torchaudio's own builder with dtype float64; a float64 evaluation of julius' formula), so an implementation may build the kernels in double precision.
- Length tables were produced by running the reference on all-zero [1, L] inputs and reading the output length.
""")
    return w


def recheck(set_dir, report):
    jr = refs.julius_resample()
    io, _ = common.read_safetensors(os.path.join(set_dir, "io.safetensors"))
    for name in io:
        if not name.endswith(".input") or name.startswith("lengths."):
            continue
        case = name[: -len(".input")]
        lib, rates = case.split(".", 1)
        o_sr, n_sr = (int(v) for v in rates.split("_"))
        x = torch.from_numpy(io[name])
        if lib == "ta":
            y, k = torchaudio.functional.resample(x, o_sr, n_sr), ta_kernel(o_sr, n_sr, torch.float32)[0]
        elif lib == "ta_transform":
            tr = torchaudio.transforms.Resample(o_sr, n_sr)
            y, k = tr(x), tr.kernel
        else:
            y, k = refs.julius().resample_frac(x, o_sr, n_sr), jr.ResampleFrac(o_sr, n_sr).kernel
        report(f"{case}.output", y, io[f"{case}.output"])
        report(f"{case}.kernel", k, io[f"{case}.kernel"])
    for name in io:
        if name.startswith("lengths.") and name.endswith(".input_length"):
            key = name[len("lengths."): -len(".input_length")]
            lib, rates = key.split(".", 1)
            o_sr, n_sr = (int(v) for v in rates.split("_"))
            f = torchaudio.functional.resample if lib == "ta" else refs.julius().resample_frac
            outs = [int(f(torch.zeros(1, int(L)), o_sr, n_sr).shape[-1]) for L in io[name]]
            report(f"lengths.{key}.output_length", np.array(outs), io[f"lengths.{key}.output_length"])
