/**
 * MP4 (ISO base media file format) output with spatial-audio metadata: copy a video's track,
 * add the generated first-order ambisonics as a 4-channel PCM track, and mark it with the
 * {@code SA3D} box of the public spatial-media specification so players render it as a sound
 * field rather than four loudspeaker feeds.
 *
 * <p>Conventions: FOA arrays are {@code [C=4][N]} in ambiX order, i.e. ACN channel order
 * {@code W, Y, Z, X} with SN3D normalisation, samples in {@code [-1, 1]}. All MP4 integers are
 * big-endian; PCM samples are 16-bit little-endian ({@code sowt}). Box types are four-character
 * codes written as strings ({@code "moov"}, {@code "SA3D"}).
 *
 * <p>Entry points: {@link io.visage.core.media.SpatialMp4Writer#write}, {@link
 * io.visage.core.media.SpatialMp4Reader#readSpatialAudio}, {@link
 * io.visage.core.media.SpatialMp4Reader#listTracks} and {@link
 * io.visage.core.media.SpatialMp4Reader#readPcm}.
 */
package io.visage.core.media;
