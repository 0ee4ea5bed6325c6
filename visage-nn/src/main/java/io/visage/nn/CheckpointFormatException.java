package io.visage.nn;

import java.nio.file.Path;

/**
 * A tensor file (safetensors, PyTorch zip checkpoint, .npy/.npz) is malformed, truncated, lies
 * in its header, or uses something this reader refuses (an unknown dtype, a pickle global that
 * {@code torch.save} never emits). The message always starts with the file name.
 */
public class CheckpointFormatException extends RuntimeException {
    private final transient Path file;

    public CheckpointFormatException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    public CheckpointFormatException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    /** The offending file. */
    public Path file() {
        return file;
    }
}
