"""Shared helpers: safetensors I/O, set folders, README tables, tolerance rules, seeding."""
import json
import math
import os
import random
import struct
from collections import OrderedDict

import numpy as np
import torch

DTYPES = {np.dtype(np.float32): "F32", np.dtype(np.float64): "F64", np.dtype(np.int64): "I64",
          np.dtype(np.uint8): "U8"}
NP = {"F32": np.float32, "F64": np.float64, "I64": np.int64, "U8": np.uint8}


def to_numpy(x):
    if isinstance(x, torch.Tensor):
        x = x.detach().cpu().numpy()
    return np.array(x, order="C", copy=True)  # (np.ascontiguousarray would turn rank-0 into rank-1)


def write_safetensors(path, tensors, metadata):
    """tensors: ordered (name, array) pairs; written contiguously in that order (C order, LE)."""
    header = OrderedDict()
    header["__metadata__"] = metadata
    blobs, off = [], 0
    for name, arr in tensors:
        arr = to_numpy(arr)
        if arr.dtype not in DTYPES:
            raise TypeError(f"{name}: unsupported dtype {arr.dtype}")
        data = arr.astype(arr.dtype.newbyteorder("<"), copy=False).tobytes(order="C")
        header[name] = {"dtype": DTYPES[arr.dtype], "shape": list(arr.shape), "data_offsets": [off, off + len(data)]}
        blobs.append(data)
        off += len(data)
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    h += b" " * ((8 - (8 + len(h)) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def read_safetensors(path):
    """-> (OrderedDict name -> array, metadata)"""
    b = open(path, "rb").read()
    n = struct.unpack("<Q", b[:8])[0]
    h = json.loads(b[8:8 + n], object_pairs_hook=OrderedDict)
    meta = h.pop("__metadata__", None)
    out = OrderedDict()
    for k, v in h.items():
        s, e = v["data_offsets"]
        out[k] = np.frombuffer(b[8 + n + s:8 + n + e], dtype=NP[v["dtype"]]).reshape(v["shape"]).copy()
    return out, meta


def write_json(path, obj, indent=2):
    with open(path, "w") as f:
        json.dump(obj, f, indent=indent)
        f.write("\n")


def seed_all(seed):
    random.seed(seed)
    np.random.seed(seed % (2 ** 32))
    torch.manual_seed(seed)


def atol_from_err(err, floor=1e-5):
    """Tolerance rule of the committed fixtures: about 10x the reference's own float32-vs-float64
    deviation, rounded up to a power of ten, never below the default atol."""
    if err <= 0:
        return floor
    return max(floor, 10.0 ** math.ceil(math.log10(10.0 * err)))


def fmt_tol(x):
    """1e-05 -> '1e-5', 0.0001 -> '1e-4' (the README spelling)."""
    e = int(round(math.log10(x)))
    return f"1e{e}"


def shape_str(shape):
    return "[" + ", ".join(str(int(s)) for s in shape) + "]"


class SetWriter:
    """Collects the tensors of io.safetensors (in write order) and the README table rows."""

    def __init__(self, name, out_root):
        self.name = name
        self.dir = os.path.join(out_root, name)
        os.makedirs(self.dir, exist_ok=True)
        self.tensors = []
        self.rows = []

    def add(self, name, arr, meaning, tolerance):
        arr = to_numpy(arr)
        if any(n == name for n, _ in self.tensors):
            raise ValueError(f"duplicate tensor {name}")
        self.tensors.append((name, arr))
        self.rows.append((name, DTYPES[arr.dtype], shape_str(arr.shape), meaning, tolerance))
        return arr

    def table(self):
        lines = ["| name | dtype | shape | meaning | tolerance |", "| --- | --- | --- | --- | --- |"]
        for name, dt, shape, meaning, tol in self.rows:
            lines.append(f"| `{name}` | {dt} | {shape} | {meaning} | {tol} |")
        return "\n".join(lines)

    def write_io(self):
        write_safetensors(os.path.join(self.dir, "io.safetensors"), self.tensors, {"fixture": self.name})

    def write_weights(self, state_dict, dac_kwargs=None):
        """weights.safetensors + weights.pt (+ weights.dac.pth) from a module's state_dict()."""
        items = [(k, v) for k, v in state_dict.items()]
        write_safetensors(os.path.join(self.dir, "weights.safetensors"), items,
                          {"format": "pt", "fixture": self.name})
        torch.save(state_dict, os.path.join(self.dir, "weights.pt"))
        if dac_kwargs is not None:
            torch.save({"state_dict": state_dict, "metadata": {"kwargs": dac_kwargs}},
                       os.path.join(self.dir, "weights.dac.pth"))
        n_values = sum(int(v.numel()) for v in state_dict.values())
        return len(items), n_values

    def file(self, name):
        return os.path.join(self.dir, name)

    def write_text(self, name, text):
        with open(self.file(name), "w") as f:
            f.write(text)


FILES_HEAD = "| file | content |\n| --- | --- |"
ROW_CONFIG = "| `config.json` | {} |"
ROW_FIXTURE = "| `fixture.json` | parameters of this fixture (seeds, shapes, scales, derived values) |"
ROW_IO = "| `io.safetensors` | inputs and expected outputs (table below) |"
ROW_WST = "| `weights.safetensors` | the module's `state_dict()`, same names, order and dtypes |"
ROW_WPT = ("| `weights.pt` | the same `state_dict()` written by `torch.save` (zip container, pickled "
           "`OrderedDict` incl. its `_metadata` attribute) |")


def max_abs_err(a32, a64):
    a32 = to_numpy(a32).astype(np.float64)
    a64 = to_numpy(a64).astype(np.float64)
    return float(np.max(np.abs(a32 - a64))) if a32.size else 0.0
