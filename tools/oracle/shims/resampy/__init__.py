"""Stand-in for resampy: torchvggish's vggish_input imports it, and calls it only when the input is not
at 16 kHz, which never happens in the evaluation (audioldm_eval resamples with torchaudio first)."""


def resample(*args, **kwargs):
    raise RuntimeError("resampy is not available here: feed VGGish 16 kHz audio")
