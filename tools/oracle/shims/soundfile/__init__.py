"""Stand-in for soundfile: torchvggish's vggish_input imports it for wavfile_to_examples, which the
evaluation does not use (it passes arrays)."""


def read(*args, **kwargs):
    raise RuntimeError("soundfile is not available here")
