/**
 * The interleaving of DAC code streams into decoder rows, as data ({@code CodePattern}) over
 * int64 grids {@code [B, R, K]} ({@code TokenGrid}). Codebook {@code c = channel·num_rvq + level},
 * channels W, Y, Z, X.
 */
package io.visage.core.pattern;
