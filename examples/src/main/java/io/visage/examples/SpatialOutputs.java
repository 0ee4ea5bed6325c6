package io.visage.examples;

import io.visage.audio.foa.Direction;
import io.visage.audio.foa.FoaDecoder;
import io.visage.audio.foa.FoaFormat;
import io.visage.audio.foa.FoaRotation;
import io.visage.audio.io.AudioBuffer;
import io.visage.audio.io.SampleFormat;
import io.visage.audio.io.Wav;
import io.visage.core.media.SpatialMp4Writer;
import io.visage.eval.image.EnergyMapImage;
import io.visage.eval.spatial.AudioEnergyMap;
import io.visage.eval.spatial.MapIndex;
import io.visage.eval.spatial.SphereGrid;
import io.visage.eval.spatial.SphericalHarmonicDecoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes what a generation produced: the FOA WAV, optionally the input video with the FOA as a
 * spatial-audio track, a stereo preview for the camera view and an energy-map PNG. All outputs of
 * one call are written or none: on a failure the files this call already wrote are removed.
 */
final class SpatialOutputs {
    private SpatialOutputs() {}

    /**
     * Where to write (null = skip) and the camera, for the preview and the picture.
     *
     * @param cameraMap the camera's cell on the energy map (ambi.json indices), or null
     */
    record Targets(Path wav, Path mp4, Path preview, Path png, Direction camera, MapIndex cameraMap) {}

    /** Fails fast, before any work, when an output folder is missing. */
    static void checkFolders(Targets t) {
        for (Path p : new Path[] {t.wav(), t.mp4(), t.preview(), t.png()}) {
            if (p != null) {
                Path dir = p.toAbsolutePath().getParent();
                if (dir == null || !Files.isDirectory(dir)) {
                    throw new UncheckedIOException(new IOException(p + ": output folder " + dir + " does not exist"));
                }
            }
        }
    }

    /** The rotation that brings the camera direction to the front (yaw first, then pitch). */
    static FoaRotation towardFront(Direction camera) {
        return FoaRotation.of(-camera.azimuth(), 0, 0).then(FoaRotation.of(0, camera.elevation(), 0));
    }

    /** Stereo for the camera view: the field turned so the camera looks ahead, then ±90° cardioids. */
    static float[][] stereoPreview(float[][] foa, Direction camera) {
        float[][] turned = towardFront(camera).apply(foa, FoaFormat.AMBIX);
        return FoaDecoder.stereo(turned, FoaFormat.AMBIX);
    }

    static List<Path> write(Targets t, float[][] foa, int rateHz, Path inputVideo) {
        List<Path> written = new ArrayList<>();
        try {
            Wav.write(t.wav(), new AudioBuffer(rateHz, foa), SampleFormat.FLOAT_32);
            written.add(t.wav());
            if (t.mp4() != null) {
                SpatialMp4Writer.write(inputVideo, foa, rateHz, t.mp4());
                written.add(t.mp4());
            }
            if (t.preview() != null) {
                Wav.write(t.preview(), new AudioBuffer(rateHz, stereoPreview(foa, t.camera())), SampleFormat.FLOAT_32);
                written.add(t.preview());
            }
            if (t.png() != null) {
                SphereGrid grid = SphereGrid.REFERENCE;
                AudioEnergyMap map = AudioEnergyMap.compute(foa, SphericalHarmonicDecoder.REFERENCE_SQRT2, grid);
                Path tmp = t.png().resolveSibling("." + t.png().getFileName() + ".part");
                EnergyMapImage.writePng(
                        EnergyMapImage.render(
                                map.values(), grid, "generated FOA energy (whole clip)", t.cameraMap(), 3),
                        tmp);
                Files.move(tmp, t.png(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                written.add(t.png());
            }
            return written;
        } catch (IOException | RuntimeException e) {
            for (Path p : written) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort
                }
            }
            if (e instanceof IOException io) {
                throw new UncheckedIOException(io.getMessage(), io);
            }
            throw (RuntimeException) e;
        }
    }
}
