"""Import the reference modules from a --reference folder.

Layout of the folder (not part of the repository):
    visage/                 github.com/jaeyeonkim99/visage
    descript-audio-codec/   github.com/descriptinc/descript-audio-codec
    CLIP/                   github.com/openai/CLIP
    julius/                 github.com/adefossez/julius
    audioldm_eval/          github.com/haoheliu/audioldm_eval (branch passt_replace_panns)
    transformers/src/transformers/{modeling_attn_mask_utils.py, models/bart/modeling_bart.py,
                                   models/bart/configuration_bart.py}   (huggingface/transformers)

Packages whose `__init__` pulls in dependencies that Debian lacks (dac, clip, audioldm_eval) are
registered as bare namespace modules, so only the submodules the fixtures need are executed, from
the reference files, unchanged.  Missing third-party names come from tools/oracle/shims.
"""
import importlib
import os
import sys
import types

HERE = os.path.dirname(os.path.abspath(__file__))
SHIMS = os.path.join(os.path.dirname(HERE), "shims")

REF = None


def path(*parts):
    return os.path.join(REF, *parts)


def _bare_package(name, directory):
    if name in sys.modules:
        return sys.modules[name]
    mod = types.ModuleType(name)
    mod.__path__ = [directory]
    mod.__file__ = os.path.join(directory, "__init__.py")
    sys.modules[name] = mod
    parent, _, child = name.rpartition(".")
    if parent:
        setattr(sys.modules[parent], child, mod)
    return mod


def install(reference):
    global REF
    REF = os.path.abspath(reference)
    for sub in ["visage", "descript-audio-codec", "CLIP", "julius", "audioldm_eval",
                "transformers/src/transformers/models/bart/modeling_bart.py"]:
        if not os.path.exists(path(sub)):
            raise SystemExit(f"--reference {REF}: missing {sub} (see tools/oracle/README.md)")
    if SHIMS not in sys.path:
        sys.path.insert(0, SHIMS)
    import transformers
    import transformers.models.bart

    tdir = path("transformers", "src", "transformers")
    if tdir not in transformers.__path__:
        transformers.__path__.append(tdir)
    bdir = os.path.join(tdir, "models", "bart")
    if bdir not in transformers.models.bart.__path__:
        transformers.models.bart.__path__.append(bdir)
    for sub in ["visage", "julius"]:
        p = path(sub)
        if p not in sys.path:
            sys.path.insert(1, p)
    dac_dir = path("descript-audio-codec", "dac")
    _bare_package("dac", dac_dir)
    _bare_package("dac.nn", os.path.join(dac_dir, "nn"))
    _bare_package("dac.model", os.path.join(dac_dir, "model"))
    _bare_package("clip", path("CLIP", "clip"))
    ae = path("audioldm_eval", "audioldm_eval")
    _bare_package("audioldm_eval", ae)
    _bare_package("audioldm_eval.metrics", os.path.join(ae, "metrics"))
    _bare_package("audioldm_eval.datasets", os.path.join(ae, "datasets"))


def visage():
    return importlib.import_module("modeling.visage")


def visage_mono():
    return importlib.import_module("modeling.visage_mono")


def dac():
    return importlib.import_module("dac.model.dac")


def clip_model():
    return importlib.import_module("clip.model")


def clip_clip():
    return importlib.import_module("clip.clip")


def energy():
    return importlib.import_module("data.infer_clip_energy")


def preprocess_ambi():
    return importlib.import_module("data.preprocess_ambi")


def julius():
    return importlib.import_module("julius")


def julius_resample():
    return importlib.import_module("julius.resample")


def fad():
    return importlib.import_module("audioldm_eval.metrics.fad")


def kl():
    return importlib.import_module("audioldm_eval.metrics.kl")


def view_video():
    return importlib.import_module("utils.view_video")


def evaluate_spatial():
    return importlib.import_module("evaluate_spatial")


def wild_360():
    return importlib.import_module("utils.wild_360")


def revision(name):
    """Upstream commit of a reference checkout, read from <reference>/REVISIONS (name commit url)."""
    f = path("REVISIONS")
    if os.path.exists(f):
        for line in open(f):
            parts = line.split()
            if len(parts) >= 2 and parts[0] == name:
                return parts[1]
    return None
