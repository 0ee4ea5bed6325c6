package io.visage.examples;

import io.visage.core.frontend.FrontEnd;
import io.visage.core.video.FrameSource;
import io.visage.core.video.RgbImage;
import io.visage.core.video.VideoDecoder;
import io.visage.core.video.VideoFormatException;
import io.visage.nn.io.DType;
import io.visage.nn.io.Npy;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code visage frames --video V --out DIR}: the frames the model sees (4 fps, short side scaled to
 * 224, centre crop, rgb24) as {@code DIR/frames.npy}, uint8 [F, 224, 224, 3], so anyone can compare
 * them with the reference's ffmpeg extraction ({@code np.frombuffer(ffmpeg_stdout, np.uint8)
 * .reshape(-1, 224, 224, 3)}). Frames stream to disk; the file appears only when all are written.
 */
@Command(
        name = "frames",
        mixinStandardHelpOptions = true,
        description = {
            "Video -> the model's input frames as frames.npy (uint8 [F, 224, 224, 3]).",
            "Frames: 4 fps, short side scaled to 224, centre crop, rgb24 (the reference's ffmpeg chain)."
        })
public final class FramesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--video", required = true, paramLabel = "VIDEO", description = "input video")
    Path video;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output folder (created if missing)")
    Path out;

    @Option(names = "--size", defaultValue = "224", description = "frame side in pixels (default ${DEFAULT-VALUE})")
    int size;

    @Mixin
    VideoDecoderOption videoDecoder = new VideoDecoderOption();

    /** What was written. */
    public record Result(Path file, long frames, int size, VideoDecoder decoder) {}

    /**
     * Writes {@code out/frames.npy}.
     *
     * @throws VideoFormatException naming the video when it cannot be read; nothing is written then
     */
    public static Result run(Path video, VideoDecoder decoder, Path out, int size) {
        if (size < 1) {
            throw new IllegalArgumentException("--size must be positive, got " + size);
        }
        Path target = out.resolve("frames.npy");
        try (FrameSource src = decoder.open(video, FrontEnd.FPS, size)) {
            RgbImage first = src.next();
            if (first == null) {
                throw new VideoFormatException(video, "no frames at " + FrontEnd.FPS + " fps");
            }
            Files.createDirectories(out);
            Path body = Files.createTempFile(out, ".frames", ".part");
            Path staged = null;
            try {
                long frames = 0;
                try (OutputStream os = Files.newOutputStream(body)) {
                    for (RgbImage f = first; f != null; f = src.next()) {
                        os.write(f.rgb());
                        frames++;
                    }
                }
                staged = Files.createTempFile(out, ".frames", ".npy.part");
                try (FileChannel dst = FileChannel.open(staged, StandardOpenOption.WRITE);
                        FileChannel in = FileChannel.open(body, StandardOpenOption.READ)) {
                    dst.write(java.nio.ByteBuffer.wrap(Npy.header(DType.U8, frames, size, size, 3)));
                    long n = in.size();
                    for (long done = 0; done < n; ) {
                        done += in.transferTo(done, n - done, dst);
                    }
                }
                Files.move(staged, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                staged = null;
                return new Result(target, frames, size, src.decoder());
            } finally {
                Files.deleteIfExists(body);
                if (staged != null) {
                    Files.deleteIfExists(staged);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(target + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Integer call() {
        Result r = run(video, videoDecoder.get(), out, size);
        spec.commandLine()
                .getOut()
                .printf(
                        "frames: %d frames (%s) -> %s (uint8 [%d, %d, %d, 3])%n",
                        r.frames(),
                        r.decoder().name().toLowerCase(java.util.Locale.ROOT),
                        r.file(),
                        r.frames(),
                        r.size(),
                        r.size());
        return 0;
    }
}
