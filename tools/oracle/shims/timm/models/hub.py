def download_cached_file(*args, **kwargs):
    raise RuntimeError("no downloads: the fixtures use seeded random weights")
