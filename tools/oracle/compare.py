#!/usr/bin/python3
"""Compare the structure of two fixture folders (generated vs committed): tensor names, order,
dtypes, shapes and safetensors metadata; config.json and fixture.json keys; README.md lines.

    compare.py GENERATED COMMITTED [--sets a,b] [--values]

--values additionally compares tensor values name by name (meaningful only where both folders
hold the same inputs, e.g. the deterministic sets at the same seed)."""
import argparse
import difflib
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from oracle.common import read_safetensors  # noqa: E402


def key_paths(obj, prefix=""):
    out = set()
    if isinstance(obj, dict):
        for k, v in obj.items():
            p = f"{prefix}.{k}" if prefix else k
            out.add(p)
            out |= key_paths(v, p)
    return out


def value_status(x, y, tol_text):
    """'exact' | 'within' | 'out' (tolerance of the committed README row)."""
    from recheck import parse_tol
    if np.array_equal(x, y, equal_nan=x.dtype.kind == "f"):
        return "exact", 0.0
    rtol, atol = parse_tol(tol_text)
    x64, y64 = x.astype(np.float64), y.astype(np.float64)
    fin = np.isfinite(y64)
    d = np.abs(x64 - y64)
    d[~fin] = 0
    same_nf = np.array_equal(np.where(fin, 0, x64), np.where(fin, 0, y64), equal_nan=True)
    ok = same_nf and bool(np.all(d <= atol + rtol * np.abs(np.where(fin, y64, 0))))
    return ("within" if ok else "out"), float(d.max()) if d.size else 0.0


def cmp_st(a, b, label, values, tol=None):
    ta, ma = read_safetensors(a)
    tb, mb = read_safetensors(b)
    issues = []
    if ma != mb:
        issues.append(f"{label}: metadata {ma} vs {mb}")
    if list(ta) != list(tb):
        sa, sb = set(ta), set(tb)
        if sa == sb:
            issues.append(f"{label}: same names, different order")
        else:
            issues.append(f"{label}: only generated {sorted(sa - sb)[:8]}, only committed {sorted(sb - sa)[:8]}")
    n_same = 0
    counts = {"exact": 0, "within": 0, "out": 0}
    outs = []
    for k in ta:
        if k not in tb:
            continue
        x, y = ta[k], tb[k]
        if x.dtype != y.dtype or x.shape != y.shape:
            issues.append(f"{label}: {k} {x.dtype}{list(x.shape)} vs {y.dtype}{list(y.shape)}")
        elif values:
            st, d = value_status(np.atleast_1d(x), np.atleast_1d(y), (tol or {}).get(k))
            counts[st] += 1
            if st == "out":
                outs.append(f"{k} (max|diff| {d:.3g}, README: {(tol or {}).get(k)})")
    if values:
        n_same = counts
        if outs:
            issues.append(f"{label}: outside tolerance: " + "; ".join(outs[:12]) + (" ..." if len(outs) > 12 else ""))
    return issues, n_same, len(ta)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("generated")
    ap.add_argument("committed")
    ap.add_argument("--sets", default=None)
    ap.add_argument("--values", action="store_true")
    a = ap.parse_args()
    sets = a.sets.split(",") if a.sets else sorted(d for d in os.listdir(a.committed)
                                                     if os.path.isdir(os.path.join(a.committed, d)))
    for s in sets:
        g, c = os.path.join(a.generated, s), os.path.join(a.committed, s)
        print(f"== {s}")
        fg, fc = sorted(os.listdir(g)), sorted(os.listdir(c))
        if fg != fc:
            print(f"  files: {fg} vs {fc}")
        from recheck import readme_tolerances
        tol = readme_tolerances(os.path.join(c, "README.md")) if os.path.exists(os.path.join(c, "README.md")) else {}
        for f in fc:
            if f.endswith(".safetensors") and f in fg:
                issues, same, n = cmp_st(os.path.join(g, f), os.path.join(c, f), f, a.values, tol)
                for i in issues:
                    print("  " + i)
                extra = ""
                if a.values:
                    extra = f", values: {same['exact']} bit-identical, {same['within']} within tolerance, {same['out']} outside"
                print(f"  {f}: {n} tensors{extra}")
            elif f.endswith(".json") and f in fg:
                jg, jc = json.load(open(os.path.join(g, f))), json.load(open(os.path.join(c, f)))
                kg, kc = key_paths(jg), key_paths(jc)
                if kg != kc:
                    print(f"  {f}: keys only generated {sorted(kg - kc)[:10]}, only committed {sorted(kc - kg)[:10]}")
                else:
                    print(f"  {f}: same keys ({len(kc)})")
            elif f == "README.md" and f in fg:
                lg = open(os.path.join(g, f)).read().splitlines()
                lc = open(os.path.join(c, f)).read().splitlines()
                d = [l for l in difflib.unified_diff(lc, lg, "committed", "generated", n=0, lineterm="")
                     if not l.startswith("@@")]
                print(f"  README.md: {len(lc)} lines committed, {len(lg)} generated, {sum(1 for l in d[2:] if l.startswith('-'))} committed lines differ")
                for l in d[2:40]:
                    print("    " + l[:220])


if __name__ == "__main__":
    main()
