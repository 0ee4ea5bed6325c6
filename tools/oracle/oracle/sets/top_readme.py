"""Top-level README.md of a fixture folder (format description; identical for every seed/size)."""
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))


def write(out_root):
    shutil.copyfile(os.path.join(HERE, "top_readme.md"), os.path.join(out_root, "README.md"))
