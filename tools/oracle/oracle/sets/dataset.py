"""Construct data/preprocess_ambi.py's PreprocessorAmbi (its __post_init__ reads the relative path
csv/yt_ambigen/ambi.json, absent from the released snapshot: a temporary folder with our own
ambi.json entries stands in for the working directory)."""
import contextlib
import json
import os
import tempfile

from .. import refs


@contextlib.contextmanager
def workdir(ambi):
    old = os.getcwd()
    with tempfile.TemporaryDirectory() as d:
        os.makedirs(os.path.join(d, "csv", "yt_ambigen"))
        with open(os.path.join(d, "csv", "yt_ambigen", "ambi.json"), "w") as f:
            json.dump(ambi, f)
        os.chdir(d)
        try:
            yield d
        finally:
            os.chdir(old)


def preprocessor(ambi=None, **fields):
    pa = refs.preprocess_ambi()
    with workdir(ambi or {}):
        return pa.PreprocessorAmbi(dac_base_path=fields.pop("dac_base_path", "."),
                                   clip_base_path=fields.pop("clip_base_path", "."), **fields)
