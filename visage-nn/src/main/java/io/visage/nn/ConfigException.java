package io.visage.nn;

/** A configuration value is missing, unknown or out of range; the message names the key. */
public class ConfigException extends IllegalArgumentException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
