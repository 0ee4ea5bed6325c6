package io.visage.audio.resample;

/** Arithmetic used to evaluate a resampling kernel before it is stored as float32. */
public enum KernelPrecision {
    /**
     * Every step in float32, as torch evaluates the formula on float32 tensors
     * ({@code functional.resample} on float32 input; julius always).
     */
    FLOAT32,
    /** Every step in float64, then rounded to float32 ({@code transforms.Resample} with its default dtype). */
    FLOAT64
}
