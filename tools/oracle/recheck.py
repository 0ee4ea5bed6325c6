#!/usr/bin/python3
"""Re-run the reference code on the inputs and weights stored in an existing fixture folder (e.g.
the committed testdata/fixtures) and compare every recomputed output with the stored one, using
the tolerance of the set's README row.  This checks the generator's compute path independently of
how the original generator drew its random weights and inputs.

    recheck.py --reference DIR --fixtures DIR [--sets a,b,...]
"""
import argparse
import os
import re
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from oracle import common, refs  # noqa: E402


def readme_tolerances(path):
    tol = {}
    for line in open(path):
        m = re.match(r"\| `([^`]+)` \| (\w+) \| [^|]* \| .* \| ([^|]*) \|\s*$", line)
        if m:
            tol[m.group(1)] = m.group(3).strip()
    return tol


def parse_tol(s):
    if s is None or s.startswith("exact") or s.startswith("(input)"):
        return 0.0, 0.0
    rt = re.search(r"rtol ([0-9.e-]+)", s)
    at = re.search(r"atol ([0-9.e-]+)", s)
    if rt or at:
        return float(rt.group(1)) if rt else 1e-4, float(at.group(1)) if at else 0.0
    m = re.match(r"([0-9.e-]+)", s)
    if m:
        return 0.0, float(m.group(1))
    return 1e-4, 1e-5


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reference", required=True)
    ap.add_argument("--fixtures", required=True)
    ap.add_argument("--sets", default=None)
    a = ap.parse_args()
    refs.install(a.reference)
    from make_fixtures import SETS
    names = a.sets.split(",") if a.sets else [s for s in SETS if s != "keys"]
    total_bad = 0
    for name in names:
        mod = SETS[name]
        d = os.path.join(a.fixtures, name)
        tol = readme_tolerances(os.path.join(d, "README.md"))
        stats = {"exact": 0, "within": 0, "bad": 0}
        worst = []

        def report(tname, actual, expected, tolerance=None):
            actual = np.atleast_1d(common.to_numpy(actual))
            expected = np.atleast_1d(common.to_numpy(expected))
            rtol, atol = parse_tol(tolerance or tol.get(tname))
            if actual.shape != expected.shape:
                stats["bad"] += 1
                print(f"  {name}: {tname} shape {actual.shape} vs {expected.shape}")
                return
            if np.array_equal(actual, expected, equal_nan=actual.dtype.kind == "f"):
                stats["exact"] += 1
                return
            a64, e64 = actual.astype(np.float64), expected.astype(np.float64)
            fin = np.isfinite(e64)
            same_nonfinite = np.array_equal(np.where(fin, 0, e64), np.where(fin, 0, a64), equal_nan=True)
            diff = np.abs(a64 - e64)
            diff[~fin] = 0
            ok = same_nonfinite and bool(np.all(diff <= atol + rtol * np.abs(np.where(fin, e64, 0))))
            worst.append((tname, float(diff.max()) if diff.size else 0.0, tol.get(tname)))
            if ok:
                stats["within"] += 1
            else:
                stats["bad"] += 1
                print(f"  {name}: {tname} OUT OF TOLERANCE max|diff| {diff.max():.3g} (README: {tol.get(tname)})")

        mod.recheck(d, report)
        total_bad += stats["bad"]
        w = max(worst, key=lambda x: x[1]) if worst else None
        print(f"{name}: {stats['exact']} bit-identical, {stats['within']} within tolerance, {stats['bad']} out of tolerance"
              + (f"; largest difference {w[1]:.3g} in {w[0]} ({w[2]})" if w else ""))
    sys.exit(1 if total_bad else 0)


if __name__ == "__main__":
    main()
