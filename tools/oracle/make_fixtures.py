#!/usr/bin/python3
"""Generate visage4j golden-data fixture sets with the ORIGINAL PyTorch reference code.

    make_fixtures.py --reference DIR --out DIR --seed N [--sizes default|alt] [--sets a,b,...]

--reference is a folder with the reference checkouts (layout in tools/oracle/README.md); --out
receives one folder per set plus the top-level README.md, in the layout of testdata/fixtures.
--sizes default reproduces the committed shapes; --sizes alt changes every size the reference
allows.  Each set derives its own seed from --seed (set offsets as in the committed fixtures:
visage-tiny +0, dac-tiny +101, clip-tiny +202, energy-map +303, foa-metrics +404,
codes-pattern +505, resample +707, semantic-math +808).
"""
import argparse
import os
import sys
import time
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import importlib  # noqa: E402

from oracle import refs  # noqa: E402

SET_NAMES = ["visage-tiny", "dac-tiny", "clip-tiny", "energy-map", "foa-metrics", "codes-pattern", "keys",
             "resample", "semantic-math", "vggish-tiny", "passt-tiny", "semantic-eval"]


class _Sets(dict):
    """set name -> module oracle.sets.<name with _>, imported on first use."""

    def __missing__(self, name):
        if name not in SET_NAMES:
            raise KeyError(name)
        mod = importlib.import_module("oracle.sets." + name.replace("-", "_"))
        self[name] = mod
        return mod

    def __iter__(self):
        return iter(SET_NAMES)

    def __contains__(self, name):
        return name in SET_NAMES


SETS = _Sets()
SEED_OFFSET = {"visage-tiny": 0, "dac-tiny": 101, "clip-tiny": 202, "energy-map": 303, "foa-metrics": 404,
               "codes-pattern": 505, "keys": 0, "resample": 707, "semantic-math": 808,
               "vggish-tiny": 909, "passt-tiny": 1010, "semantic-eval": 1111}

URLS = {
    "visage": "github.com/jaeyeonkim99/visage",
    "dac": "github.com/descriptinc/descript-audio-codec",
    "clip": "github.com/openai/CLIP",
    "julius": "github.com/adefossez/julius",
    "audioldm_eval": "github.com/haoheliu/audioldm_eval",
    "torchvggish": "github.com/harritaylor/torchvggish",
    "hear21passt": "github.com/kkoutini/passt_hear21",
}


def ref_info(names):
    out = {}
    for n in names:
        rev = refs.revision(n)
        out[n] = f"{URLS[n]}@{rev}" if rev else URLS[n]
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reference", required=True, help="folder with the reference checkouts")
    ap.add_argument("--out", required=True, help="output folder (created)")
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--sizes", choices=["default", "alt"], default="default")
    ap.add_argument("--sets", default=",".join(SET_NAMES), help="comma-separated subset of: " + ", ".join(SET_NAMES))
    a = ap.parse_args()
    names = [s.strip() for s in a.sets.split(",") if s.strip()]
    for n in names:
        if n not in SETS:
            ap.error(f"unknown set {n}")
    warnings.filterwarnings("ignore", category=FutureWarning)
    needs = []
    for n in names:
        for sub in getattr(SETS[n], "NEEDS", refs.CORE):
            if sub not in needs:
                needs.append(sub)
    refs.install(a.reference, needs)
    os.makedirs(a.out, exist_ok=True)
    for n in names:
        t = time.time()
        SETS[n].generate(a.out, a.seed + SEED_OFFSET[n], a.sizes, ref_info)
        print(f"{n}: written to {os.path.join(a.out, n)} ({time.time() - t:.1f} s)", flush=True)
    importlib.import_module("oracle.sets.top_readme").write(a.out)
    print(f"README.md: written to {os.path.join(a.out, 'README.md')}")


if __name__ == "__main__":
    main()
