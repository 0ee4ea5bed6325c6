"""Stand-in for ffmpeg-python: imported at module level by ViSAGe's data/infer_clip*.py; the
functions the fixtures call (compute_cossim_score, compute_energy_map, top_p_filtering) do not use it."""


def __getattr__(name):
    raise NotImplementedError(f"ffmpeg.{name} is not provided by the fixture generator's shim")
