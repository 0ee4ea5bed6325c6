/**
 * The video front end: a video file and a camera direction in, the three conditioning inputs of
 * the ViSAGe model out — CLIP features [F, O], energy maps [F, P] and the direction [3] — with
 * optional caching as {@code .npy} in the reference dataset layout. F = frames at 4 fps.
 */
package io.visage.core.frontend;
