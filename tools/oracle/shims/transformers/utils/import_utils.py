"""Stand-in for `transformers.utils.import_utils` (only what modeling_attn_mask_utils imports)."""


def is_torchdynamo_compiling():
    return False  # torch 1.13, eager execution
