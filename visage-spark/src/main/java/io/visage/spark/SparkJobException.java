package io.visage.spark;

/** A Spark job failed as a whole; the message is the first line of the cause Spark reported. */
public final class SparkJobException extends RuntimeException {
    public SparkJobException(String message, Throwable cause) {
        super(message, cause);
    }
}
