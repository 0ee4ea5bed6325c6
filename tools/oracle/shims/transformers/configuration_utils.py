"""Stand-in for `transformers.configuration_utils.PretrainedConfig`.

Provides the attributes and behaviour the BART/ViSAGe code reads (defaults as in transformers 4.40):
common flags, token ids, attribute_map aliasing, `use_return_dict`, `num_labels`,
`_attn_implementation` (eager unless set).  `to_dict()` gives the HF-style config.json content
written by the fixture generator (every attribute, sorted keys)."""


class PretrainedConfig:
    model_type = ""
    attribute_map = {}

    def __setattr__(self, key, value):
        if key in super().__getattribute__("attribute_map"):
            key = super().__getattribute__("attribute_map")[key]
        super().__setattr__(key, value)

    def __getattribute__(self, key):
        if key != "attribute_map" and key in super().__getattribute__("attribute_map"):
            key = super().__getattribute__("attribute_map")[key]
        return super().__getattribute__(key)

    def __init__(self, **kwargs):
        self.return_dict = kwargs.pop("return_dict", True)
        self.output_hidden_states = kwargs.pop("output_hidden_states", False)
        self.output_attentions = kwargs.pop("output_attentions", False)
        self.torchscript = kwargs.pop("torchscript", False)
        self.torch_dtype = kwargs.pop("torch_dtype", None)
        self.use_bfloat16 = kwargs.pop("use_bfloat16", False)
        self.tf_legacy_loss = kwargs.pop("tf_legacy_loss", False)
        self.pruned_heads = kwargs.pop("pruned_heads", {})
        self.tie_word_embeddings = kwargs.pop("tie_word_embeddings", True)
        self.chunk_size_feed_forward = kwargs.pop("chunk_size_feed_forward", 0)
        self.is_encoder_decoder = kwargs.pop("is_encoder_decoder", False)
        self.is_decoder = kwargs.pop("is_decoder", False)
        self.cross_attention_hidden_size = kwargs.pop("cross_attention_hidden_size", None)
        self.add_cross_attention = kwargs.pop("add_cross_attention", False)
        self.tie_encoder_decoder = kwargs.pop("tie_encoder_decoder", False)
        self.num_labels = kwargs.pop("num_labels", 2)
        self.bos_token_id = kwargs.pop("bos_token_id", None)
        self.pad_token_id = kwargs.pop("pad_token_id", None)
        self.eos_token_id = kwargs.pop("eos_token_id", None)
        self.sep_token_id = kwargs.pop("sep_token_id", None)
        self.decoder_start_token_id = kwargs.pop("decoder_start_token_id", None)
        self.forced_bos_token_id = kwargs.pop("forced_bos_token_id", None)
        self.forced_eos_token_id = kwargs.pop("forced_eos_token_id", None)
        self.name_or_path = str(kwargs.pop("name_or_path", ""))
        self.transformers_version = kwargs.pop("transformers_version", None)
        self._attn_implementation_internal = kwargs.pop("attn_implementation", None)
        for key, value in kwargs.items():
            setattr(self, key, value)

    @property
    def use_return_dict(self):
        return self.return_dict and not self.torchscript

    @property
    def _attn_implementation(self):
        v = self._attn_implementation_internal
        return "eager" if v is None else v

    @_attn_implementation.setter
    def _attn_implementation(self, value):
        self._attn_implementation_internal = value

    def to_dict(self):
        out = {}
        for k, v in self.__dict__.items():
            if k == "_attn_implementation_internal":
                out["_attn_implementation"] = self._attn_implementation
            else:
                out[k] = v
        out["model_type"] = self.__class__.model_type
        return dict(sorted(out.items()))
