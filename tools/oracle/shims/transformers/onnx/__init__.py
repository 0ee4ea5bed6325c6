"""Stand-in for `transformers.onnx`: configuration_bart.py imports these base classes for its ONNX
export config, which the generator never uses."""


class OnnxConfig:
    pass


class OnnxConfigWithPast(OnnxConfig):
    pass


class OnnxSeq2SeqConfigWithPast(OnnxConfigWithPast):
    pass
