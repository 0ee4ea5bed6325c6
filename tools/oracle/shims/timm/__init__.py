"""Stand-in for timm: hear21passt's vit_helpers imports download_cached_file, used only to fetch
pretrained weights, which the fixtures never do."""
