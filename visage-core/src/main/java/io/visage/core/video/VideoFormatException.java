package io.visage.core.video;

import java.nio.file.Path;

/** A video file cannot be read: unsupported container or codec, no video track, or damaged data. */
public class VideoFormatException extends RuntimeException {
    private final transient Path file;

    public VideoFormatException(Path file, String problem, Throwable cause) {
        super(
                file + ": " + problem
                        + (cause != null && cause.getMessage() != null ? " (" + cause.getMessage() + ")" : ""),
                cause);
        this.file = file;
    }

    public VideoFormatException(Path file, String problem) {
        this(file, problem, null);
    }

    /** The file that failed. */
    public Path file() {
        return file;
    }
}
