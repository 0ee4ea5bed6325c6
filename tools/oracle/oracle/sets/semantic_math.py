"""semantic-math: audioldm_eval (branch passt_replace_panns) metrics/fad.py FrechetAudioDistance
(score() on pre-computed embeddings, through its own feature-cache files) and metrics/kl.py
calculate_kl."""
import contextlib
import io as _io
import json
import os
import tempfile

import numpy as np
import torch

from .. import common, refs
from ..common import SetWriter

NAME = "semantic-math"
D = 128  # VGGish embedding size (the README's sqrtm blocking note assumes 2 blocks of 64)

SIZES = {
    "default": dict(fad=dict(main=(40, 37), fullrank=(160, 150), retry=(200, 190), identical=40),
                    retry_const=(3, 70), classes=527, kl=dict(main=24, peaked=8), pairing=(10, 2)),
    "alt": dict(fad=dict(main=(30, 28), fullrank=(170, 140), retry=(210, 180), identical=30),
                retry_const=(5, 66), classes=311, kl=dict(main=17, peaked=6), pairing=(12, 3)),
}
FAD_TOL = "rtol 1e-6, atol 1e-4"
KL_FLOOR = {"main": (1e-5, 1e-4, 1e-5), "peaked": (1e-4, 1e-3, 1e-5), "pairing": (1e-5, 1e-4, 1e-5)}


def fad_score(gen, gt):
    """FrechetAudioDistance.score(generated_dir, groundtruth_dir) with the embeddings placed in the
    reference's own cache files (<dir>_fad_feature_cache.npy), so no VGGish is needed."""
    F = refs.fad()
    fad = F.FrechetAudioDistance.__new__(F.FrechetAudioDistance)  # __init__ would torch.hub-load VGGish
    fad.verbose = False
    with tempfile.TemporaryDirectory() as d:
        g, t = os.path.join(d, "generated"), os.path.join(d, "groundtruth")
        os.makedirs(g)
        os.makedirs(t)
        np.save(g + "_fad_feature_cache.npy", gen)
        np.save(t + "_fad_feature_cache.npy", gt)
        buf = _io.StringIO()
        with contextlib.redirect_stdout(buf):
            out = fad.score(g, t)
    msgs = [l for l in buf.getvalue().splitlines() if l and not l.startswith("Reload")]
    stats = (fad.calculate_embd_statistics(gen), fad.calculate_embd_statistics(gt))
    return float(out["frechet_audio_distance"]), msgs, stats


def eigh_estimate(gen, gt):
    """Independent float64 estimate: |mu1 - mu2|^2 + tr S1 + tr S2 - 2 sum sqrt(eig(S1^1/2 S2 S1^1/2))."""
    g, t = gen.astype(np.float64), gt.astype(np.float64)
    m1, m2 = g.mean(0), t.mean(0)
    s1, s2 = np.cov(g, rowvar=False), np.cov(t, rowvar=False)
    l, v = np.linalg.eigh(s1)
    h = (v * np.sqrt(np.clip(l, 0, None))) @ v.T
    e = np.clip(np.linalg.eigvalsh(h @ s2 @ h), 0, None)
    return float((m1 - m2) @ (m1 - m2) + np.trace(s1) + np.trace(s2) - 2 * np.sqrt(e).sum())


def kl(gen_logits, gt_logits, gen_names, gt_names):
    K = refs.kl()
    buf = _io.StringIO()
    with contextlib.redirect_stdout(buf):
        metrics, kl_ref, _ = K.calculate_kl({"logits": gen_logits, "file_path_": gen_names},
                                            {"logits": gt_logits, "file_path_": gt_names}, "logits", same_name=True)
    msgs = [l for l in buf.getvalue().splitlines() if l and not l.startswith("KL: Assuming")]
    return metrics, kl_ref, msgs


def generate(out_root, seed, sizes, ref_info):
    z = SIZES[sizes]
    common.seed_all(seed)
    gen = torch.Generator().manual_seed(seed)
    w = SetWriter(NAME, out_root)
    fx_fad = {}
    emb = lambda n, scale=1.0, shift=0.0: (torch.randn(n, D, generator=gen) * scale + shift).numpy()  # noqa: E731
    ng, nt = z["fad"]["main"]
    main_gen = emb(ng)
    cases = [("main", main_gen, emb(nt, 1.1, 0.15)),
             ("fullrank", emb(z["fad"]["fullrank"][0]), emb(z["fad"]["fullrank"][1], 1.1, 0.15))]
    # retry: constant dimensions in each set (different ones) until the first sqrtm is not finite
    rg, rt = z["fad"]["retry"]
    cg, ct = z["retry_const"]
    for attempt in range(50):
        perm = torch.randperm(D, generator=gen).numpy()
        dg, dt = np.sort(perm[:cg]), np.sort(perm[cg:cg + ct])
        a, b = emb(rg), emb(rt, 1.1, 0.15)
        a[:, dg] = a[0, dg]
        b[:, dt] = b[0, dt]
        _, msgs, _ = fad_score(a, b)
        if msgs:
            break
    else:
        raise RuntimeError("semantic-math: could not trigger the sqrtm retry branch")
    cases.append(("retry", a, b))
    cases.append(("identical", main_gen[: z["fad"]["identical"]].copy(), main_gen[: z["fad"]["identical"]].copy()))
    descr = {
        "main": f"{ng} vs {nt} random embeddings (fewer rows than dimensions: rank-deficient covariances)",
        "fullrank": f"{z['fad']['fullrank'][0]} vs {z['fad']['fullrank'][1]} random embeddings (full-rank covariances)",
        "retry": f"generated set constant in {cg} dimensions, ground truth constant in {ct} other dimensions: the first matrix square root fails and the reference retries with +1e-6 I",
        "identical": "both sets = fad.main.gen_embeddings (distance ~ 0 up to rounding)",
    }
    max_diff = 0.0
    for name, g, t in cases:
        score, msgs, ((mu_g, sg), (mu_t, st)) = fad_score(g, t)
        est = eigh_estimate(g, t)
        retry = any("singular product" in m for m in msgs)
        if name != "retry":
            max_diff = max(max_diff, abs(score - est))
        p = f"fad.{name}"
        w.add(f"{p}.gen_embeddings", g, f"input: generated-set embeddings [{g.shape[0]}, {D}] (float32, one row per VGGish frame); {descr[name]}", "(input)")
        w.add(f"{p}.gt_embeddings", t, f"input: ground-truth-set embeddings [{t.shape[0]}, {D}] (float32)", "(input)")
        if name == "main":
            w.add(f"{p}.mu_gen", mu_g, "calculate_embd_statistics(gen)[0]: np.mean(axis=0) of the float32 embeddings [D] (float32, as NumPy returns it)", "rtol 1e-5, atol 1e-6")
            w.add(f"{p}.sigma_gen", sg, "calculate_embd_statistics(gen)[1]: np.cov(rowvar=False) [D, D] (float64, ddof 1)", "rtol 1e-7, atol 1e-9")
            w.add(f"{p}.mu_gt", mu_t, "calculate_embd_statistics(gt)[0] [D] (float32)", "rtol 1e-5, atol 1e-6")
            w.add(f"{p}.sigma_gt", st, "calculate_embd_statistics(gt)[1] [D, D] (float64)", "rtol 1e-7, atol 1e-9")
        w.add(f"{p}.fad", np.array(score, dtype=np.float64), "score(generated, ground truth)['frechet_audio_distance'] (float64 scalar)", FAD_TOL)
        w.add(f"{p}.retry_triggered", np.array(int(retry), dtype=np.int64), "1 if the reference took the +1e-6 I retry branch (its first sqrtm result was not finite), else 0", "exact")
        fx_fad[name] = {"n_gen": int(g.shape[0]), "n_gt": int(t.shape[0]), "fad": score, "retry_triggered": retry,
                        "independent_float64_eigh_estimate": est, "reference_messages": msgs}
        if name == "retry":
            fx_fad[name]["constant_dims_gen"] = [int(v) for v in dg]
            fx_fad[name]["constant_dims_gt"] = [int(v) for v in dt]

    C = z["classes"]
    fx_kl = {}
    logits = lambda n, scale: (torch.randn(n, C, generator=gen) * scale - 2.0)  # noqa: E731
    n_gt, n_extra = z["pairing"]
    gt_names = [f"clip{i:03d}.wav" for i in range(n_gt)]
    missing = 5 if n_gt > 5 else n_gt - 1
    gen_names = [nm for i, nm in enumerate(gt_names) if i != missing] + [f"extra{i}.wav" for i in range(n_extra)]
    order = torch.randperm(len(gen_names), generator=gen).tolist()
    gen_names = [gen_names[i] for i in order]
    kl_cases = [("main", z["kl"]["main"], 2.5), ("peaked", z["kl"]["peaked"], 20.0), ("pairing", None, 2.5)]
    for name, n, scale in kl_cases:
        if name == "pairing":
            gl, tl = logits(len(gen_names), scale), logits(n_gt, scale)
            gnames, tnames = gen_names, gt_names
        else:
            gl, tl = logits(n, scale), logits(n, scale)
            gnames = tnames = [f"clip{i:03d}.wav" for i in range(n)]
        m32, ref32, msgs = kl(gl, tl, gnames, tnames)
        m64, ref64, _ = kl(gl.double(), tl.double(), gnames, tnames)
        errs = {"kl_softmax": abs(m32["kullback_leibler_divergence_softmax"] - m64["kullback_leibler_divergence_softmax"]),
                "kl_sigmoid": abs(m32["kullback_leibler_divergence_sigmoid"] - m64["kullback_leibler_divergence_sigmoid"]),
                "kl_ref": common.max_abs_err(ref32, ref64)}
        fl = KL_FLOOR[name]
        tols = [f"rtol 1e-4, atol {common.fmt_tol(common.atol_from_err(errs[k], f))}" for k, f in zip(("kl_softmax", "kl_sigmoid", "kl_ref"), fl)]
        p = f"kl.{name}"
        npairs = int(ref32.shape[0])
        if name == "main":
            gdesc = f"input: generated-set classifier logits [{gl.shape[0]}, {C}] (float32); pair i = row i of both sets (same file names in the same order); logits scale {scale}"
        elif name == "peaked":
            gdesc = f"input: generated-set classifier logits [{gl.shape[0]}, {C}] (float32); pair i = row i of both sets (same file names in the same order); logits scale {scale} (large logits: many ground-truth softmax probabilities are exactly 0 in float32 and 0 * log 0 counts as 0; generated probabilities far below the 1e-6 epsilon)"
        else:
            gdesc = f"input: generated-set classifier logits [{gl.shape[0]}, {C}] (float32); rows paired by file name (see kl.pairing.pair_gen_row / pair_gt_row); the generated list is shuffled, has extra names, and lacks one ground-truth name"
        w.add(f"{p}.gen_logits", gl, gdesc, "(input)")
        w.add(f"{p}.gt_logits", tl, f"input: ground-truth-set logits [{tl.shape[0]}, {C}] (float32)", "(input)")
        w.add(f"{p}.kl_softmax", np.array(m32["kullback_leibler_divergence_softmax"], dtype=np.float32), "calculate_kl(...)[0]['kullback_leibler_divergence_softmax']: sum over pairs and classes of p_gt * (log p_gt - log(p_gen + 1e-6)), p = softmax over classes, divided by the number of pairs (computed in float32; the reported value)", tols[0])
        w.add(f"{p}.kl_sigmoid", np.array(m32["kullback_leibler_divergence_sigmoid"], dtype=np.float32), "calculate_kl(...)[0]['kullback_leibler_divergence_sigmoid']: the same with sigmoid(logits) in place of softmax (not normalised over classes) (float32)", tols[1])
        w.add(f"{p}.kl_ref", ref32, "calculate_kl(...)[1] [pairs]: per pair, mean over classes of the softmax KL terms divided by the number of pairs (float32)", tols[2])
        if name == "pairing":
            # pairs follow the ground-truth order; unmatched ground-truth names are skipped
            gi = {nm: i for i, nm in enumerate(gnames)}
            pr = [(gi[nm], j) for j, nm in enumerate(tnames) if nm in gi]
            w.add(f"{p}.pair_gen_row", np.array([a for a, _ in pr], dtype=np.int64), "row of kl.pairing.gen_logits used for each pair, in pair order (= ground-truth order, unmatched ground-truth rows skipped)", "exact")
            w.add(f"{p}.pair_gt_row", np.array([b for _, b in pr], dtype=np.int64), "row of kl.pairing.gt_logits used for each pair", "exact")
        fx_kl[name] = {"n_gen": int(gl.shape[0]), "n_gt": int(tl.shape[0]), "classes": C,
                       "kl_softmax": m32["kullback_leibler_divergence_softmax"],
                       "kl_sigmoid": m32["kullback_leibler_divergence_sigmoid"],
                       "float32_vs_float64_max_abs_err": errs,
                       "gt_softmax_exact_zeros": int((tl.softmax(dim=1) == 0).sum()),
                       "reference_messages": msgs}
        if name == "pairing":
            fx_kl[name]["gen_file_names"] = gnames
            fx_kl[name]["gt_file_names"] = tnames
    w.write_io()
    common.write_json(w.file("config.json"), {
        "fad": {"embedding_dim": D, "eps_retry": 1e-06, "order": "frechet(mu_gen, sigma_gen, mu_gt, sigma_gt)",
                "covariance": "np.cov(rowvar=False), ddof 1", "mean": "np.mean(axis=0) of the float32 embeddings (float32)"},
        "kl": {"eps": 1e-06, "feat_layer_name": "logits", "same_name": True,
               "direction": "KL(groundtruth || generated) per pair, summed, divided by the number of pairs"}})
    import scipy
    fixture = {"seed": seed, "variant": "public",
               "versions": {"numpy": np.__version__, "scipy": scipy.__version__, "torch": torch.__version__},
               "audioldm_eval_branch": "passt_replace_panns", "fad": fx_fad,
               "fad_max_abs_diff_vs_independent_estimate": max_diff, "kl": fx_kl,
               "reference": ref_info(["audioldm_eval"])}
    common.write_json(w.file("fixture.json"), fixture)
    w.write_text("README.md", README_HEAD.replace("[N, 527]", f"[N, {C}]") + w.table() + README_NOTES)
    return w


README_HEAD = f"""# semantic-math: Frechet audio distance and softmax KL divergence (audioldm_eval)

The metric arithmetic of ViSAGe's semantic evaluation (`evaluate_semantic.py` reports
`frechet_audio_distance` and `kullback_leibler_divergence_softmax` of audioldm_eval,
branch passt_replace_panns), from given features: the Frechet distance between two sets
of 128-d embeddings (generated vs ground truth; per-set mean and covariance, matrix square
root with a +1e-6 I retry when it fails) and the paired KL divergence between softmax
class distributions of [N, 527] logits (plus the sigmoid variant and the per-pair values
the reference also returns). The feature extractors themselves are not part of this set.

## Files

{common.FILES_HEAD}
{common.ROW_CONFIG.format("metric constants of the reference")}
{common.ROW_FIXTURE}
{common.ROW_IO}

## Tensors in `io.safetensors`

"""

README_NOTES = """

## Notes

- FAD (fad.py, FrechetAudioDistance.score with background = generated, eval = ground truth): mu = np.mean(E, axis=0) of the float32 embeddings (stays float32), sigma = np.cov(E, rowvar=False) (float64, divides by N - 1); diff = mu_gen - mu_gt (float32); covmean = scipy.linalg.sqrtm(sigma_gen . sigma_gt, disp=False)[0]; if covmean is not all finite: covmean = sqrtm((sigma_gen + 1e-6 I) . (sigma_gt + 1e-6 I)) (the offset enters ONLY the square-root term, not the traces); a complex covmean is replaced by its real part (the reference raises if a diagonal imaginary part exceeds 1e-3); FAD = diff . diff + tr(sigma_gen) + tr(sigma_gt) - 2 tr(covmean) (float64).
- Retry branch: scipy's sqrtm (Schur form, blocked with blocksize 64, i.e. 2 blocks for 128 x 128) returns NaN when two exactly-zero diagonal entries of the Schur form meet a non-zero coupling inside one block. fad.retry makes that happen: dimensions constant within one set give exact zero rows (generated set) and exact zero columns (ground-truth set) of the product, which the Schur reduction isolates as exact zero eigenvalues. The +1e-6 I offset then changes the result by far more than rounding (`fixture.json` `fad.retry.independent_float64_eigh_estimate` is the value without any offset, from an independent eigen-decomposition, for comparison only). To reproduce fad.retry an implementation has to take the retry branch on this input.
- With fewer embeddings than dimensions (fad.main) the covariances are singular; the product's square root is then complex with tiny imaginary parts that the reference drops; fad.identical is not exactly 0 for the same reason. `fixture.json` lists the reference value next to an independent float64 estimate (sum of square roots of the eigenvalues of S1^1/2 S2 S1^1/2 with float64 means); their largest difference outside the retry case sets the FAD tolerance.
- KL (kl.py calculate_kl(featuresdict_gen, featuresdict_gt, 'logits', same_name=True)): rows are paired by file basename; pairs follow the ground-truth order, ground-truth files missing from the generated set are skipped (the reference prints '<name> is not in the generation result'), generated files without a ground truth are ignored. With F1 = generated logits, F2 = ground-truth logits of the pairs (N pairs): kl_softmax = kl_div(log(softmax(F1) + 1e-6), softmax(F2), reduction='sum') / N, i.e. sum p2 * (log p2 - log(p1 + 1e-6)) with 0 * log 0 = 0; kl_sigmoid = the same with sigmoid(F1) + 1e-6 and sigmoid(F2) (elementwise, no class normalisation); kl_ref = mean over classes of the elementwise softmax terms, divided by N. The returned metrics are Python floats of float32 tensors.
- evaluate_semantic.py stores f'{value:.4f}' strings of frechet_audio_distance and kullback_leibler_divergence_softmax per channel and their plain means over W, Y, Z, X.
"""


def recheck(set_dir, report):
    io, _ = common.read_safetensors(os.path.join(set_dir, "io.safetensors"))
    fx = json.load(open(os.path.join(set_dir, "fixture.json")))
    for name in fx["fad"]:
        p = f"fad.{name}"
        score, msgs, ((mu_g, sg), (mu_t, st)) = fad_score(io[f"{p}.gen_embeddings"], io[f"{p}.gt_embeddings"])
        report(f"{p}.fad", np.array(score), io[f"{p}.fad"])
        report(f"{p}.retry_triggered", np.array(int(any("singular product" in m for m in msgs))), io[f"{p}.retry_triggered"])
        if f"{p}.mu_gen" in io:
            for k, v in (("mu_gen", mu_g), ("sigma_gen", sg), ("mu_gt", mu_t), ("sigma_gt", st)):
                report(f"{p}.{k}", v, io[f"{p}.{k}"])
    for name, c in fx["kl"].items():
        p = f"kl.{name}"
        if name == "pairing":
            gn, tn = c["gen_file_names"], c["gt_file_names"]
        else:
            gn = tn = [f"clip{i:03d}.wav" for i in range(c["n_gt"])]
        m, ref, _ = kl(torch.from_numpy(io[f"{p}.gen_logits"]), torch.from_numpy(io[f"{p}.gt_logits"]), gn, tn)
        report(f"{p}.kl_softmax", np.array(m["kullback_leibler_divergence_softmax"], dtype=np.float32), io[f"{p}.kl_softmax"])
        report(f"{p}.kl_sigmoid", np.array(m["kullback_leibler_divergence_sigmoid"], dtype=np.float32), io[f"{p}.kl_sigmoid"])
        report(f"{p}.kl_ref", ref, io[f"{p}.kl_ref"])
