package io.visage.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.FileStore;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import org.bytedeco.javacpp.Pointer;

/**
 * Turns the failures of a long run that mean "a resource ran out" (Java heap, off-heap memory of
 * the ND4J arrays, disk) into one line that names what ran out, the batch, and what to try; any
 * other failure is not described (the caller reports it as it is).
 */
final class ResourceFailures {
    private static final double GIB = 1L << 30;

    /** What ran out. */
    enum Kind {
        HEAP,
        OFF_HEAP,
        DISK
    }

    /** A described failure. @param line the one line for the user */
    record Described(Kind kind, String line) {}

    private ResourceFailures() {}

    /**
     * @param failure    what was thrown (its causes are searched too)
     * @param batch      clips per micro-batch
     * @param accumulate micro-batches per step
     * @param out        the folder being written (for disk failures)
     */
    static Optional<Described> describe(Throwable failure, int batch, int accumulate, Path out) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof OutOfMemoryError oom) {
                return Optional.of(memory(oom, batch, accumulate));
            }
            if (t instanceof IOException io && isDiskFull(io)) {
                return Optional.of(disk(io, out));
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return Optional.empty();
    }

    /** JavaCPP reports off-heap limits in these words; the JVM says "Java heap space" for the heap. */
    static boolean isOffHeap(OutOfMemoryError e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage());
            if (m.contains("physicalBytes")
                    || m.contains("maxBytes")
                    || m.contains("maxPhysicalBytes")
                    || m.contains("Cannot allocate")
                    || m.contains("Direct buffer memory")
                    || m.contains("Failed to allocate")) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private static Described memory(OutOfMemoryError e, int batch, int accumulate) {
        boolean offHeap = isOffHeap(e);
        String what = offHeap
                ? String.format(
                        Locale.ROOT,
                        "out of off-heap memory (ND4J arrays: limit %.1f GiB, -Dorg.bytedeco.javacpp.maxbytes)",
                        Pointer.maxBytes() / GIB)
                : String.format(
                        Locale.ROOT,
                        "out of Java heap (limit %.1f GiB, -Xmx)",
                        Runtime.getRuntime().maxMemory() / GIB);
        StringBuilder s = new StringBuilder(what)
                .append(" at batch ")
                .append(batch)
                .append(accumulate > 1 ? " x accumulate " + accumulate : "")
                .append(". Try ");
        if (batch > 1) {
            int half = batch / 2;
            int acc = accumulate * (batch / half);
            s.append("--batch ")
                    .append(half)
                    .append(" --accumulate ")
                    .append(acc)
                    .append(" (same effective batch")
                    .append(batch % half == 0 ? "" : ", rounded")
                    .append("), or ");
        }
        s.append("raise the limit: VISAGE_JAVA_OPTS=\"")
                .append(suggestedOptions(offHeap))
                .append('"');
        long ram = physicalMemory();
        if (ram > 0) {
            s.append(String.format(Locale.ROOT, " (this machine has %.1f GiB)", ram / GIB));
        }
        s.append('.');
        return new Described(offHeap ? Kind.OFF_HEAP : Kind.HEAP, s.toString());
    }

    /** Heap and off-heap limits that fit this machine: ¼ of RAM for the heap, ⅔ for the arrays. */
    private static String suggestedOptions(boolean offHeap) {
        long ram = physicalMemory();
        long heapGb = Math.max(2, ram > 0 ? ram / 4 / (1L << 30) : 4);
        long offGb = Math.max(4, ram > 0 ? ram * 2 / 3 / (1L << 30) : 12);
        long currentHeapGb = Runtime.getRuntime().maxMemory() / (1L << 30);
        long currentOffGb = Pointer.maxBytes() / (1L << 30);
        if (offHeap) {
            offGb = Math.max(offGb, currentOffGb + 2);
        } else {
            heapGb = Math.max(heapGb, currentHeapGb + 2);
        }
        return "-Xmx" + heapGb + "g -Dorg.bytedeco.javacpp.maxbytes=" + offGb
                + "g -Dorg.bytedeco.javacpp.maxphysicalbytes=" + (heapGb + offGb + 1) + "g";
    }

    private static long physicalMemory() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return -1;
    }

    static boolean isDiskFull(IOException e) {
        String m = e instanceof FileSystemException fs ? fs.getReason() : e.getMessage();
        return m != null && (m.contains("No space left on device") || m.contains("Disk quota exceeded"));
    }

    private static Described disk(IOException e, Path out) {
        String where = e instanceof FileSystemException fs && fs.getFile() != null ? fs.getFile() : String.valueOf(out);
        String free = "";
        try {
            FileStore store = Files.getFileStore(out.toAbsolutePath().getParent() == null ? out : out.toAbsolutePath());
            free = String.format(Locale.ROOT, ", %.2f GiB free", store.getUsableSpace() / GIB);
        } catch (IOException | UncheckedIOException | SecurityException ignored) {
            // the store of a folder that is gone: say nothing about free space
        }
        return new Described(
                Kind.DISK,
                "out of disk space writing " + where + free
                        + ". A checkpoint holds the model and the optimizer state (about 4x the model's size):"
                        + " free space, raise --save-every, or give --out on another disk.");
    }
}
