/**
 * The spatial evaluation as the reference scripts run it: ground-truth map preparation
 * ({@code data/prepare_gt_energy_map.py}: {@code map}, {@code map_1fps}, {@code map_5fps} per clip,
 * {@code .npz} compatible) and the evaluation of a folder of generated FOA WAVs
 * ({@code evaluate_spatial.py}: CC and AUC-Judd on the whole clip, on 1-second and on 0.2-second
 * windows), written as JSON with per-clip values.
 */
package io.visage.eval.report;
