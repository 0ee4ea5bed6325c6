"""Stand-in for `descriptinc/audiotools` (written for this generator).  The DAC modules import
`AudioSignal` (used only by the file/chunk compression helpers, which the fixtures do not call)
and `ml.BaseModel` (an nn.Module with save/load helpers; only the nn.Module part matters here)."""
from . import ml  # noqa: F401


class AudioSignal:
    def __init__(self, *args, **kwargs):
        raise NotImplementedError("audiotools.AudioSignal is not provided by the fixture generator's shim")


class STFTParams:
    def __init__(self, *args, **kwargs):
        raise NotImplementedError("audiotools.STFTParams is not provided by the fixture generator's shim")
