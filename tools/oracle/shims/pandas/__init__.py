"""Stand-in for pandas: imported at module level by ViSAGe's data/infer_clip*.py (CSV reading in
their __main__ blocks only)."""


def __getattr__(name):
    raise NotImplementedError(f"pandas.{name} is not provided by the fixture generator's shim")
