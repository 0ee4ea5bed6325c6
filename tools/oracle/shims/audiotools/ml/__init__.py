from torch import nn


class BaseModel(nn.Module):
    """audiotools.ml.BaseModel without the torch.package save/load machinery."""

    INTERN = []
    EXTERN = []

    @property
    def device(self):
        return next(self.parameters()).device
