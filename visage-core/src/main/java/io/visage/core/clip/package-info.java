/**
 * OpenAI CLIP's image tower (ViT-B/32 for ViSAGe) and CLIP's image preprocessing.
 *
 * <p>Axes: B images (video frames), 3 colour channels RGB, H×W pixels, G = grid side
 * (resolution / patch), N = G² + 1 tokens (class token first, then patches row-major), D =
 * width, O = output (embedding) dim. Images enter channel-first, normalised, [B, 3, H, W].
 * State-dict keys are those of {@code clip.model.VisionTransformer}; a full OpenAI CLIP
 * checkpoint holds them under {@code visual.}, a Hugging Face checkpoint under other names
 * ({@link HfClipKeys}).
 */
package io.visage.core.clip;
