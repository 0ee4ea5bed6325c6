/**
 * Autoregressive generation: guidance branches as rows of one KV-cached decoder state,
 * guidance formulas, greedy / top-k samplers with explicit RNGs, prompts (known first codec
 * frames, teacher-forced through the code pattern), progress callbacks.
 */
package io.visage.core.generate;
