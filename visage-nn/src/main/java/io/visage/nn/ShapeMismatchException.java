package io.visage.nn;

import java.util.Arrays;

/** A tensor does not have the shape an operation or module expects. */
public class ShapeMismatchException extends IllegalArgumentException {
    public ShapeMismatchException(String message) {
        super(message);
    }

    /**
     * @param where module path or operation name, e.g. {@code model.decoder.layers.3.fc1}
     * @param what  what was checked, e.g. {@code "input"}
     */
    public static ShapeMismatchException of(String where, String what, long[] expected, long[] found) {
        return new ShapeMismatchException(where + ": " + what + " expected shape " + Arrays.toString(expected)
                + " but found " + Arrays.toString(found));
    }
}
