"""Stand-in for `transformers.activations` (4.40 semantics): ACT2FN[name] returns a NEW activation
module instance each lookup; "gelu" is GELUActivation = torch.nn.functional.gelu (exact erf form)."""
import torch.nn.functional as F
from torch import nn


class GELUActivation(nn.Module):
    def forward(self, input):
        return F.gelu(input)


class ReLUActivation(nn.Module):
    def forward(self, input):
        return F.relu(input)


_ACT2CLS = {"gelu": GELUActivation, "relu": ReLUActivation}


class _ClassInstantier(dict):
    def __getitem__(self, key):
        return dict.__getitem__(self, key)()


ACT2FN = _ClassInstantier(_ACT2CLS)
