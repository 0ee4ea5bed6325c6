package io.visage.core.media;

/**
 * Summary of one track of an MP4 file, as listed by {@link SpatialMp4Reader#listTracks}.
 *
 * @param trackId       {@code tkhd} track ID
 * @param kind          from the media handler ({@code vide}, {@code soun}, anything else)
 * @param handler       the {@code hdlr} handler type, e.g. {@code "vide"}
 * @param codec         four-character code of the first sample entry, e.g. {@code "avc1"},
 *                      {@code "mp4a"}, {@code "sowt"}
 * @param channels      audio channel count from the sample entry; 0 for non-audio tracks
 * @param sampleRateHz  audio sample rate from the sample entry; 0 for non-audio tracks
 * @param width         video width in pixels from the sample entry; 0 for non-video tracks
 * @param height        video height in pixels; 0 for non-video tracks
 * @param sampleCount   number of samples ({@code stsz}); for PCM audio one sample is one frame
 *                      of all channels
 * @param timescale     media timescale ({@code mdhd}), ticks per second
 * @param durationTicks media duration ({@code mdhd}) in timescale ticks
 */
public record Mp4Track(
        int trackId,
        Kind kind,
        String handler,
        String codec,
        int channels,
        int sampleRateHz,
        int width,
        int height,
        long sampleCount,
        long timescale,
        long durationTicks) {

    /** Track kinds this library distinguishes. */
    public enum Kind {
        VIDEO,
        AUDIO,
        OTHER
    }

    /** Media duration in seconds. */
    public double durationSeconds() {
        return timescale == 0 ? 0 : (double) durationTicks / timescale;
    }

    @Override
    public String toString() {
        String what = switch (kind) {
            case VIDEO -> width + "x" + height;
            case AUDIO -> channels + " ch @ " + sampleRateHz + " Hz";
            case OTHER -> "handler " + handler;
        };
        return String.format(
                "track %d %s '%s' %s, %d samples, %.3f s", trackId, kind, codec, what, sampleCount, durationSeconds());
    }
}
