"""Run a reference script as __main__ (python run_script.py SCRIPT ARGS...).

With ORACLE_EXACT_AUDIO=1, torchaudio.load(path) returns the float32 array saved next to the WAV
as <path>.npy (channels-first) with the WAV's sample rate, instead of decoding the file: sox's WAV
reader clips float samples to [-1, 1], which matters when re-running the scripts on audio stored
in an existing fixture folder (recheck.py).  Fixture generation itself does not set it."""
import os
import runpy
import sys

import numpy as np
import torch
import torchaudio

if os.environ.get("ORACLE_EXACT_AUDIO") == "1":
    _load = torchaudio.load

    def load(path, *args, **kwargs):
        if os.path.exists(str(path) + ".npy"):
            sr = torchaudio.info(path).sample_rate
            return torch.from_numpy(np.load(str(path) + ".npy")), sr
        return _load(path, *args, **kwargs)

    torchaudio.load = load

script = sys.argv[1]
sys.argv = sys.argv[1:]
sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
runpy.run_path(script, run_name="__main__")
