package io.visage.core.media;

import java.nio.file.Path;

/**
 * An MP4 file is not an ISO base media file, is truncated or inconsistent (a box larger than its
 * parent, sample tables that disagree), or uses something this code refuses (fragmented MP4, an
 * external data reference, an unknown ambisonic convention). The message starts with the file.
 */
public class Mp4FormatException extends RuntimeException {
    private final transient Path file;

    public Mp4FormatException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    /** The offending file. */
    public Path file() {
        return file;
    }
}
