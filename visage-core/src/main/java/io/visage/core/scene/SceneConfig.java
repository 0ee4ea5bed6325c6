package io.visage.core.scene;

import io.visage.nn.ConfigException;

/**
 * How synthetic scenes are rendered: clip length, video geometry, audio rate, object size and
 * loudness. Every scene of a set shares one config.
 *
 * @param seconds             clip length in seconds, &gt; 0; a whole number of 20 ms codec frames and of
 *                            video frames
 * @param videoFps            video frames per second, 1..120 (the front end samples 4 fps from it)
 * @param width               frame width in pixels, even, 16..4096
 * @param height              frame height in pixels, even, 16..4096
 * @param fovDegrees          horizontal field of view of the pinhole camera in degrees, (0, 170]
 * @param sampleRateHz        FOA sample rate, a multiple of 50 Hz (so 20 ms is a whole number of
 *                            samples), 8000..192000
 * @param objectRadiusDegrees angular radius of a drawn object in degrees, (0, 45]
 * @param sourceGain          linear amplitude of each source (its peak-1 sound is scaled by it), (0, 0.5]:
 *                            the generator places at most two sources, so W stays within ±1 (the WAV's
 *                            full scale)
 */
public record SceneConfig(
        double seconds,
        int videoFps,
        int width,
        int height,
        double fovDegrees,
        int sampleRateHz,
        double objectRadiusDegrees,
        double sourceGain) {
    /** 5 s, 8 fps, 224×224, 90° FoV, 16 kHz, 12° objects, gain 0.3. */
    public static final SceneConfig DEFAULT = new SceneConfig(5, 8, 224, 224, 90, 16000, 12, 0.3);

    /** Codec frames per second the sounds are periodic in: 50 (a hop of 20 ms). */
    public static final int CODEC_FRAMES_PER_SECOND = 50;

    /** Longest clip accepted, in seconds. */
    public static final double MAX_SECONDS = 3600;

    private static final double WHOLE_EPS = 1e-6;

    public SceneConfig {
        if (!Double.isFinite(seconds) || seconds <= 0 || seconds > MAX_SECONDS) {
            throw new ConfigException("scene seconds must be in (0, " + MAX_SECONDS + "] but was " + seconds);
        }
        if (videoFps < 1 || videoFps > 120) {
            throw new ConfigException("scene videoFps must be in [1, 120] but was " + videoFps);
        }
        if (!isWhole(seconds * CODEC_FRAMES_PER_SECOND)) {
            throw new ConfigException(
                    "scene seconds must be a multiple of 0.02 (whole 20 ms codec frames) but was " + seconds);
        }
        if (!isWhole(seconds * videoFps)) {
            throw new ConfigException("scene seconds × videoFps must be a whole number of frames but was " + seconds
                    + " × " + videoFps + " = " + seconds * videoFps);
        }
        checkSide("width", width);
        checkSide("height", height);
        if (!(fovDegrees > 0 && fovDegrees <= 170)) {
            throw new ConfigException("scene fovDegrees must be in (0, 170] but was " + fovDegrees);
        }
        if (sampleRateHz < 8000 || sampleRateHz > 192000 || sampleRateHz % CODEC_FRAMES_PER_SECOND != 0) {
            throw new ConfigException(
                    "scene sampleRateHz must be a multiple of 50 in [8000, 192000] but was " + sampleRateHz);
        }
        if (!(objectRadiusDegrees > 0 && objectRadiusDegrees <= 45)) {
            throw new ConfigException("scene objectRadiusDegrees must be in (0, 45] but was " + objectRadiusDegrees);
        }
        if (!(sourceGain > 0 && sourceGain <= 0.5)) {
            throw new ConfigException("scene sourceGain must be in (0, 0.5] but was " + sourceGain);
        }
    }

    private static boolean isWhole(double x) {
        return Math.abs(x - Math.rint(x)) < WHOLE_EPS;
    }

    private static void checkSide(String name, int v) {
        if (v < 16 || v > 4096 || v % 2 != 0) {
            throw new ConfigException("scene " + name + " must be even and in [16, 4096] but was " + v);
        }
    }

    /** FOA samples per clip: seconds · sampleRateHz. */
    public int samples() {
        return (int) Math.rint(seconds * sampleRateHz);
    }

    /** Video frames per clip: seconds · videoFps. */
    public int videoFrames() {
        return (int) Math.rint(seconds * videoFps);
    }

    /** Samples per 20 ms codec frame: sampleRateHz / 50 (320 at 16 kHz). */
    public int samplesPerCodecFrame() {
        return sampleRateHz / CODEC_FRAMES_PER_SECOND;
    }

    /** This config with another clip length. */
    public SceneConfig withSeconds(double s) {
        return new SceneConfig(s, videoFps, width, height, fovDegrees, sampleRateHz, objectRadiusDegrees, sourceGain);
    }

    /** This config with another horizontal field of view. */
    public SceneConfig withFovDegrees(double fov) {
        return new SceneConfig(seconds, videoFps, width, height, fov, sampleRateHz, objectRadiusDegrees, sourceGain);
    }

    /** This config with another object radius. */
    public SceneConfig withObjectRadiusDegrees(double r) {
        return new SceneConfig(seconds, videoFps, width, height, fovDegrees, sampleRateHz, r, sourceGain);
    }
}
