package io.visage.core.scene;

import io.visage.core.video.RgbImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;
import org.jcodec.api.SequenceEncoder;
import org.jcodec.common.Codec;
import org.jcodec.common.Format;
import org.jcodec.common.io.FileChannelWrapper;
import org.jcodec.common.io.NIOUtils;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Picture;
import org.jcodec.common.model.Rational;

/**
 * Writes a scene's frames ({@link SceneRenderer#frame} at t = f / videoFps) as an H.264 MP4 with
 * JCodec's encoder (Constrained Baseline, 4:2:0, no B-frames), which the project's own JCodec
 * decoder path reads back.
 *
 * <p>The file is reproducible: JCodec stamps the wall-clock time into the movie, track and media
 * headers ({@code mvhd}, {@code tkhd}, {@code mdhd}); those creation and modification times are set
 * to 0 (1904-01-01, "unknown"), so the same scene always gives the same bytes. The file is written
 * atomically (it appears complete or not at all).
 */
public final class SceneVideo {
    private static final Set<String> TIMED_HEADERS = Set.of("mvhd", "tkhd", "mdhd");
    private static final Set<String> CONTAINERS = Set.of("moov", "trak", "mdia");

    private SceneVideo() {}

    /**
     * Renders and writes the scene's video to {@code mp4} (replacing it).
     *
     * @throws UncheckedIOException naming the file when it cannot be written
     */
    public static void write(Scene scene, Path mp4) {
        SceneConfig cfg = scene.config();
        Path dir = mp4.toAbsolutePath().getParent();
        Path temp = dir.resolve("." + mp4.getFileName() + ".part");
        try {
            FileChannelWrapper ch = NIOUtils.writableChannel(temp.toFile());
            try {
                SequenceEncoder enc =
                        new SequenceEncoder(ch, Rational.R(cfg.videoFps(), 1), Format.MOV, Codec.H264, null);
                Picture pic = Picture.create(cfg.width(), cfg.height(), ColorSpace.RGB);
                byte[] data = pic.getPlaneData(0);
                for (int f = 0; f < cfg.videoFrames(); f++) {
                    RgbImage img = SceneRenderer.frame(scene, SceneRenderer.frameTime(cfg, f));
                    byte[] src = img.rgb();
                    for (int i = 0; i < src.length; i++) {
                        data[i] = (byte) ((src[i] & 0xff) - 128); // JCodec's 8-bit planes are signed, centred on 0
                    }
                    enc.encodeNativeFrame(pic);
                }
                enc.finish();
            } finally {
                NIOUtils.closeQuietly(ch);
            }
            byte[] bytes = Files.readAllBytes(temp);
            zeroTimestamps(bytes, temp);
            Files.write(temp, bytes);
            Files.move(temp, mp4, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(mp4 + ": cannot write the scene video: " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // best effort: the temporary file is hidden and ends in .part
            }
        }
    }

    /**
     * Sets the creation and modification times of the {@code mvhd}, {@code tkhd} and {@code mdhd}
     * boxes to 0, in place (nothing moves, so sample offsets stay valid).
     *
     * @throws IllegalStateException naming the file when its box structure is inconsistent
     */
    static void zeroTimestamps(byte[] mp4, Path file) {
        zeroTimestamps(ByteBuffer.wrap(mp4), 0, mp4.length, file);
    }

    private static void zeroTimestamps(ByteBuffer b, int from, int to, Path file) {
        int at = from;
        while (to - at >= 8) {
            long size = Integer.toUnsignedLong(b.getInt(at));
            String type = new String(
                    new byte[] {b.get(at + 4), b.get(at + 5), b.get(at + 6), b.get(at + 7)},
                    StandardCharsets.ISO_8859_1);
            int header = 8;
            if (size == 1) {
                if (to - at < 16) {
                    throw new IllegalStateException(file + ": box '" + type + "' is cut off in its 64-bit size");
                }
                size = b.getLong(at + 8);
                header = 16;
            } else if (size == 0) {
                size = to - at; // extends to the end of its parent
            }
            if (size < header || size > to - at) {
                throw new IllegalStateException(file + ": box '" + type + "' at offset " + at + " claims " + size
                        + " bytes but " + (to - at) + " remain");
            }
            int end = (int) (at + size);
            int body = at + header;
            if (CONTAINERS.contains(type)) {
                zeroTimestamps(b, body, end, file);
            } else if (TIMED_HEADERS.contains(type)) {
                // full box: version (1 byte), flags (3); then creation and modification time, 4 bytes
                // each in version 0, 8 bytes each in version 1
                int timeBytes = b.get(body) == 1 ? 16 : 8;
                if (end - body < 4 + timeBytes) {
                    throw new IllegalStateException(file + ": box '" + type + "' is too short for its times");
                }
                for (int i = body + 4; i < body + 4 + timeBytes; i++) {
                    b.put(i, (byte) 0);
                }
            }
            at = end;
        }
    }
}
