"""Stand-in for `ftfy`: CLIP's text tokenizer imports it; the fixtures never tokenize text."""


def fix_text(text):
    raise NotImplementedError("ftfy.fix_text is not provided by the fixture generator's shim")
