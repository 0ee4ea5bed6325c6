package io.visage.examples;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The sample video bundled with the examples: 5 s of SMPTE colour bars with a moving white box,
 * 640×360, 25 fps, H.264 High with B-frames (13 KB; how it was made is in the README next to the
 * resource). The demo and the front-end benchmark run on it.
 */
public final class SampleVideo {
    /** Class-path resource of the clip. */
    public static final String RESOURCE = "/io/visage/examples/sample-640x360.mp4";

    private SampleVideo() {}

    /** Writes the clip to {@code file} (replacing it). @return {@code file} */
    public static Path copyTo(Path file) {
        try (InputStream in = SampleVideo.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the bundled sample video " + RESOURCE + " is missing from the class"
                        + " path (a broken build of the examples module)");
            }
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot write the sample video: " + e.getMessage(), e);
        }
    }
}
