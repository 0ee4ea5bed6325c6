"""Stand-in for `transformers.utils`: docstring decorators (no-ops), feature probes, ModelOutput."""
from collections import OrderedDict
from dataclasses import fields
from enum import Enum

from . import logging  # noqa: F401


def _passthrough(*args, **kwargs):
    def deco(fn):
        return fn

    return deco


add_code_sample_docstrings = _passthrough
add_end_docstrings = _passthrough
add_start_docstrings = _passthrough
add_start_docstrings_to_model_forward = _passthrough
replace_return_docstrings = _passthrough


def is_flash_attn_2_available():
    return False


def is_flash_attn_greater_or_equal_2_10():
    return False


def is_torch_available():
    return True


class TensorType(str, Enum):
    PYTORCH = "pt"
    NUMPY = "np"


class ModelOutput(OrderedDict):
    """Same access semantics as transformers' ModelOutput: a dataclass whose non-None fields are
    also the (ordered) dict entries; integer/slice indexing goes through `to_tuple()`."""

    def __post_init__(self):
        for f in fields(self):
            v = getattr(self, f.name)
            if v is not None:
                OrderedDict.__setitem__(self, f.name, v)

    def __getitem__(self, k):
        if isinstance(k, str):
            return OrderedDict.__getitem__(self, k)
        return self.to_tuple()[k]

    def __setattr__(self, name, value):
        if name in self.keys() and value is not None:
            OrderedDict.__setitem__(self, name, value)
        object.__setattr__(self, name, value)

    def to_tuple(self):
        return tuple(self[k] for k in self.keys())
