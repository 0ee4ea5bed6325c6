/**
 * First-order ambisonics (FOA) with its conventions written down as types.
 *
 * <p><b>Axes</b> (ambiX): +X front, +Y left, +Z up (right-handed). A {@link io.visage.audio.foa.Direction}
 * has an azimuth measured counter-clockwise (seen from above) from the front +X toward the left +Y,
 * and an elevation measured up from the horizontal plane, both in radians; its unit vector is
 * {@code (cos el·cos az, cos el·sin az, sin el)}. Front (0, 0), left (90°, 0), back (180°, 0),
 * right (−90°, 0), up (·, 90°), down (·, −90°).
 *
 * <p><b>Channels</b>: {@link io.visage.audio.foa.ChannelOrder} (ACN: W, Y, Z, X; FuMa: W, X, Y, Z) and
 * {@link io.visage.audio.foa.Normalization} (SN3D, N3D, FuMa maxN) combine into a
 * {@link io.visage.audio.foa.FoaFormat}; ambiX = ACN + SN3D, the format of ViSAGe's files. A plane wave
 * {@code s(t)} from direction {@code u} is, in ambiX, {@code W = s, Y = u_y·s, Z = u_z·s, X = u_x·s}.
 *
 * <p>Signals are channel-major {@code float[4][N]} in the order of their format. Every operation
 * except the reference's buggy mono decode is a linear channel map, a {@link io.visage.audio.foa.ChannelMatrix}.
 */
package io.visage.audio.foa;
