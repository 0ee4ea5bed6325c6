package io.visage.core.media;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import org.jcodec.api.awt.AWTSequenceEncoder;

/** Inputs for the media tests, made in the test or copied from {@code src/test/resources/media}. */
final class MediaTestFiles {
    /** ffmpeg: 224x224 10 fps H.264 High with B-frames, edit list, an AAC track, moov first (+faststart). */
    static final String FFMPEG_CLIP = "clip-224-bframes-aac.mp4";

    private MediaTestFiles() {}

    static Path resource(String name, Path dir) throws IOException {
        Path out = dir.resolve(name);
        try (InputStream in = MediaTestFiles.class.getResourceAsStream("/media/" + name)) {
            if (in == null) {
                throw new IllegalStateException("test resource /media/" + name + " is missing");
            }
            Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
        }
        return out;
    }

    /** A JCodec-encoded H.264 clip (moov after mdat, one frame per chunk, no B-frames). */
    static Path jcodecClip(Path dir, int frames, int fps, long seed) throws IOException {
        Path out = dir.resolve("jcodec-" + frames + "f.mp4");
        Random rnd = new Random(seed);
        AWTSequenceEncoder enc = AWTSequenceEncoder.createSequenceEncoder(out.toFile(), fps);
        for (int f = 0; f < frames; f++) {
            BufferedImage img = new BufferedImage(224, 224, BufferedImage.TYPE_3BYTE_BGR);
            Graphics2D g = img.createGraphics();
            g.setColor(new Color(rnd.nextInt(0xFFFFFF)));
            g.fillRect(0, 0, 224, 224);
            g.setColor(Color.WHITE);
            g.fillOval(10 * f % 200, 50, 24, 24);
            g.dispose();
            enc.encodeImage(img);
        }
        enc.finish();
        return out;
    }

    /**
     * The input with every track of the given handler removed from moov; the other top-level boxes
     * are copied as they are, so chunk offsets are only right when moov comes after mdat.
     */
    static Path withoutTracks(Path in, String handler, Path out) throws IOException {
        try (FileChannel ch = FileChannel.open(in, StandardOpenOption.READ);
                FileChannel w = FileChannel.open(out, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            Mp4File file = Mp4File.read(ch, in);
            List<Mp4Box> drop = file.tracks().stream()
                    .filter(t -> t.handler().equals(handler))
                    .map(Mp4File.Track::trak)
                    .toList();
            List<Mp4Box> kept = file.moov.children().stream()
                    .filter(b -> drop.stream().noneMatch(d -> d == b))
                    .toList();
            for (Mp4Boxes.TopLevelBox b : file.topLevel) {
                if (b.type().equals("moov")) {
                    w.write(ByteBuffer.wrap(file.moov.withChildren(kept).toBytes()));
                } else {
                    long done = 0;
                    while (done < b.size()) {
                        done += ch.transferTo(b.offset() + done, b.size() - done, w);
                    }
                }
            }
        }
        return out;
    }

    /**
     * Test FOA {@code [4][n]}: W a sine, Y another sine, Z seeded noise, X a ramp that overshoots
     * [-1, 1] at both ends (to exercise clamping).
     */
    static float[][] foa(int n, int sampleRate, long seed) {
        Random rnd = new Random(seed);
        float[][] x = new float[4][n];
        for (int i = 0; i < n; i++) {
            double t = (double) i / sampleRate;
            x[0][i] = (float) (0.5 * Math.sin(2 * Math.PI * 440 * t));
            x[1][i] = (float) (0.25 * Math.sin(2 * Math.PI * 660 * t + 0.3));
            x[2][i] = (float) (0.2 * rnd.nextGaussian());
            x[3][i] = -1.2f + 2.4f * i / Math.max(1, n - 1);
        }
        return x;
    }
}
