/**
 * The reference's YT-Ambigen dataset layout, produced in Java ({@link io.visage.core.data.DatasetPreparer})
 * and read back for training ({@link io.visage.core.data.TrainingData}).
 *
 * <p>Layout of a dataset folder ({@link io.visage.core.data.DatasetLayout}): {@code dac/<id>.npy}
 * int64 [K, T] (row 9·c + q, channels W, Y, Z, X), {@code dac_rotated/<id>.npy} the same for the
 * rotated recording (Y′ = −X, X′ = Y), {@code clip/<id>.npy} float32 [F, d_clip],
 * {@code energy_map/<id>.npy} float32 [F, 49], {@code ambi.json} (clip id → [elevation index,
 * azimuth index]) and {@code train.csv} / {@code valid.csv} / {@code test.csv} with one column
 * {@code file_path} = {@code <id>.npy}. Axes: K codebooks, T codec frames, F CLIP frames (4 fps).
 */
package io.visage.core.data;
