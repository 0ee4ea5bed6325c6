package io.visage.examples.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Resident memory of this process from {@code /proc/self/status} (Linux): the peak ({@code VmHWM})
 * and the current ({@code VmRSS}) resident set, which include ND4J's off-heap buffers and the Java
 * heap alike. Empty on systems without that file.
 */
public final class PeakRss {
    private static final Path STATUS = Path.of("/proc/self/status");

    /**
     * @param peakBytes    high-water mark of the resident set ({@code VmHWM})
     * @param currentBytes current resident set ({@code VmRSS})
     */
    public record Usage(long peakBytes, long currentBytes) {
        @Override
        public String toString() {
            return String.format(
                    "peak RSS %.1f MiB, current RSS %.1f MiB", peakBytes / 1048576.0, currentBytes / 1048576.0);
        }
    }

    private PeakRss() {}

    /** The current figures, or empty if {@code /proc/self/status} is missing or unreadable. */
    public static Optional<Usage> read() {
        if (!Files.isReadable(STATUS)) {
            return Optional.empty();
        }
        try {
            return parse(Files.readString(STATUS, StandardCharsets.US_ASCII));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Parses the text of a {@code /proc/<pid>/status} file; empty if either field is missing. */
    static Optional<Usage> parse(String status) {
        long hwm = -1;
        long rss = -1;
        for (String line : status.split("\n")) {
            if (line.startsWith("VmHWM:")) {
                hwm = kib(line);
            } else if (line.startsWith("VmRSS:")) {
                rss = kib(line);
            }
        }
        return hwm < 0 || rss < 0 ? Optional.empty() : Optional.of(new Usage(hwm * 1024, rss * 1024));
    }

    /** "VmHWM:\t  123456 kB" to 123456, or -1. */
    private static long kib(String line) {
        String[] parts = line.substring(line.indexOf(':') + 1).trim().split("\\s+");
        if (parts.length != 2 || !parts[1].equals("kB")) {
            return -1;
        }
        try {
            return Long.parseLong(parts[0]);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
