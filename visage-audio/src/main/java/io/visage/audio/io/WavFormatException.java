package io.visage.audio.io;

import java.nio.file.Path;

/**
 * A WAV file is malformed (bad RIFF/WAVE header, chunk sizes that disagree with the file, truncated
 * data, zero channels) or uses an encoding this library does not read. The message starts with
 * the file name and says what was expected and what was found.
 */
public class WavFormatException extends RuntimeException {
    private final transient Path file;

    public WavFormatException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    /** The offending file. */
    public Path file() {
        return file;
    }
}
