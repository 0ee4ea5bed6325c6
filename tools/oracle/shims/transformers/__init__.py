"""Minimal stand-in for the parts of Hugging Face `transformers` that ViSAGe's modelling code imports.

Written for this generator (not copied from transformers).  It only provides the names that
`modeling/visage*.py` and the reference BART files import.  The BART modelling code itself
(`models/bart/modeling_bart.py`, `models/bart/configuration_bart.py`, `modeling_attn_mask_utils.py`)
is NOT part of this shim: `oracle.refs.install()` appends `<reference>/transformers/src/transformers`
(and its `models/bart` folder) to this package's search path, so those modules are loaded from the
reference checkout.
"""

__version__ = None  # recorded as "transformers_version": null in config.json


class PreTrainedTokenizer:  # imported (for type hints only) by configuration_bart.py
    pass
