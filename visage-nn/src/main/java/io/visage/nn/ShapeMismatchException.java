package io.visage.nn;

/** A tensor does not have the shape an operation or module expects (see {@link Checks}). */
public class ShapeMismatchException extends IllegalArgumentException {
    public ShapeMismatchException(String message) {
        super(message);
    }
}
