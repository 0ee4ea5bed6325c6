package io.visage.nn.io;

import io.visage.nn.CheckpointFormatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.function.Executable;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Shared checks for the tensor-file tests. */
final class IoAssert {
    private IoAssert() {}

    /**
     * Asserts a CheckpointFormatException whose message names the file and contains every fragment
     * (case-insensitive); returns it.
     */
    static CheckpointFormatException assertFormatError(Path file, Executable action, String... fragments) {
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, action);
        String msg = e.getMessage();
        assertTrue(msg.contains(file.getFileName().toString()), () -> "message does not name the file: " + msg);
        assertEquals(file, e.file(), "exception file");
        for (String f : fragments) {
            assertTrue(
                    msg.toLowerCase(Locale.ROOT).contains(f.toLowerCase(Locale.ROOT)),
                    () -> "message does not contain '" + f + "': " + msg);
        }
        return e;
    }

    /** The element bytes of an array in c-order, exactly as stored (raw bits). */
    static byte[] rawBytes(INDArray a) {
        INDArray c = a.dup('c');
        if (c.length() == 0) {
            return new byte[0];
        }
        ByteBuffer nio = c.data().asNio();
        byte[] out = new byte[(int) (c.length() * c.data().getElementSize())];
        nio.duplicate().position(0).get(out);
        return out;
    }

    /** Every tensor of both sources: same infos in the same order and identical raw bits. */
    static void assertSameTensors(TensorSource expected, TensorSource actual) {
        assertEquals(names(expected), names(actual), "tensor names/order of " + actual.path());
        for (TensorInfo e : expected.tensors()) {
            TensorInfo a = actual.info(e.name());
            assertEquals(e, a, "dtype/shape of " + e.name());
            assertArrayEquals(
                    rawBytes(expected.load(e.name())),
                    rawBytes(actual.load(e.name())),
                    "raw bits of " + e.name() + " in " + actual.path());
        }
    }

    static List<String> names(TensorSource s) {
        List<String> out = new ArrayList<>();
        for (TensorInfo t : s.tensors()) {
            out.add(t.name());
        }
        return out;
    }

    /** Fixture set folders (sorted) holding the given file, discovered by listing the fixtures root. */
    static List<Path> setsWith(Path root, String file) {
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(Files::isDirectory)
                    .filter(d -> Files.isRegularFile(d.resolve(file)))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies the first {@code n} bytes of a file into a new file. */
    static Path truncated(Path src, long n, Path dst) throws IOException {
        byte[] all = Files.readAllBytes(src);
        Files.write(dst, java.util.Arrays.copyOf(all, (int) Math.min(n, all.length)));
        return dst;
    }
}
