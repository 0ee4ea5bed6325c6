/** One-clip API: CLIP features, energy maps and direction to codes, and (via {@code CodesToAudio}) FOA audio. */
package io.visage.core.pipeline;
