"""Stand-in for `transformers.modeling_utils.PreTrainedModel` (4.40 semantics of what ViSAGe uses):
`config` attribute, `post_init()` = `init_weights()` (apply `_init_weights` once per module, then
`tie_weights()`), the `device` property.  No loading/saving/hub code."""
import torch
from torch import nn


class PreTrainedModel(nn.Module):
    config_class = None
    base_model_prefix = ""
    main_input_name = "input_ids"
    supports_gradient_checkpointing = False

    def __init__(self, config, *inputs, **kwargs):
        super().__init__()
        self.config = config
        self.name_or_path = config.name_or_path
        self.warnings_issued = {}

    @property
    def device(self):
        return next(self.parameters()).device

    @property
    def dtype(self):
        return next(self.parameters()).dtype

    def post_init(self):
        self.init_weights()

    def _init_weights(self, module):
        pass

    def _initialize_weights(self, module):
        if getattr(module, "_is_hf_initialized", False):
            return
        self._init_weights(module)
        module._is_hf_initialized = True

    def init_weights(self):
        self.apply(self._initialize_weights)
        self.tie_weights()

    def get_output_embeddings(self):
        return None

    def _tie_or_clone_weights(self, output_embeddings, input_embeddings):
        output_embeddings.weight = input_embeddings.weight

    def tie_weights(self):
        for module in self.modules():
            if hasattr(module, "_tie_weights"):
                module._tie_weights()
