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


# reference folders each set reads (sets not listed need all of CORE)
CORE = ["visage", "descript-audio-codec", "CLIP", "julius", "audioldm_eval",
        "transformers/src/transformers/models/bart/modeling_bart.py"]


def install(reference, needs=None):
    """Puts the reference folders on the import path; ``needs`` lists the folders the chosen sets
    read (default: CORE), each of which must exist."""
    global REF
    REF = os.path.abspath(reference)
    for sub in CORE if needs is None else needs:
        if not os.path.exists(path(sub)):
            raise SystemExit(f"--reference {REF}: missing {sub} (see tools/oracle/README.md)")
    if SHIMS not in sys.path:
        sys.path.insert(0, SHIMS)
    for sub in ["torchvggish", "hear21passt"]:
        p = path(sub)
        if os.path.exists(p) and p not in sys.path:
            sys.path.insert(1, p)
    if os.path.exists(path("transformers")):
        _install_transformers()
    for sub in ["visage", "julius"]:
        p = path(sub)
        if os.path.exists(p) and p not in sys.path:
            sys.path.insert(1, p)
    if os.path.exists(path("descript-audio-codec")):
        dac_dir = path("descript-audio-codec", "dac")
        _bare_package("dac", dac_dir)
        _bare_package("dac.nn", os.path.join(dac_dir, "nn"))
        _bare_package("dac.model", os.path.join(dac_dir, "model"))
    if os.path.exists(path("CLIP")):
        _bare_package("clip", path("CLIP", "clip"))
    ae = path("audioldm_eval", "audioldm_eval")
    _bare_package("audioldm_eval", ae)
    _bare_package("audioldm_eval.metrics", os.path.join(ae, "metrics"))
    _bare_package("audioldm_eval.datasets", os.path.join(ae, "datasets"))


def _install_transformers():
    import transformers
    import transformers.models.bart

    tdir = path("transformers", "src", "transformers")
    if tdir not in transformers.__path__:
        transformers.__path__.append(tdir)
    bdir = os.path.join(tdir, "models", "bart")
    if bdir not in transformers.models.bart.__path__:
        transformers.models.bart.__path__.append(bdir)


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


def vggish():
    """torchvggish/vggish.py (harritaylor/torchvggish, what torch.hub.load("harritaylor/torchvggish",
    "vggish") runs); its vggish_input imports resampy and soundfile, which come from shims/."""
    return importlib.import_module("torchvggish.vggish")


def vggish_input():
    return importlib.import_module("torchvggish.vggish_input")


def passt_base():
    """hear21passt/base.py (kkoutini/passt_hear21): get_basic_model, AugmentMelSTFT, PasstBasicWrapper."""
    return importlib.import_module("hear21passt.base")


def passt_model():
    return importlib.import_module("hear21passt.models.passt")


def wave_dataset():
    return importlib.import_module("audioldm_eval.datasets.load_mel")


def evaluation_helper():
    """audioldm_eval/eval.py (branch passt_replace_panns) with its package __init__ skipped: the
    metric functions it imports from the package are bound from their own modules; the CLAP score
    (not used by ViSAGe) and the Tacotron STFT of the PSNR/SSIM/LSD metrics (switched off) are
    stand-ins that fail if called."""
    pkg = sys.modules["audioldm_eval"]
    ae = path("audioldm_eval", "audioldm_eval")
    for name, mod in [("calculate_fid", "fid"), ("calculate_isc", "isc"), ("calculate_kid", "kid"),
                      ("calculate_kl", "kl")]:
        setattr(pkg, name, getattr(importlib.import_module("audioldm_eval.metrics." + mod), name))

    def unused(*a, **k):
        raise RuntimeError("not used by the ViSAGe evaluation")

    pkg.calculate_clap_sore = unused
    _bare_package("audioldm_eval.clap_score", os.path.join(ae, "clap_score"))
    importlib.import_module("audioldm_eval.clap_score.fname_caption_mapping")
    audio = _bare_package("audioldm_eval.audio", os.path.join(ae, "audio"))
    audio.TacotronSTFT = lambda *a, **k: None
    return importlib.import_module("audioldm_eval.eval")
