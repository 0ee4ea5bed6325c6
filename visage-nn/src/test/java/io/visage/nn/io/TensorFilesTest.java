package io.visage.nn.io;

import io.visage.nn.testing.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import static io.visage.nn.io.IoAssert.assertFormatError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

class TensorFilesTest {
    @TempDir
    Path tmp;

    @Test
    void open_eachFormatUnderAMisleadingName_detectedByContent() throws IOException {
        Path st = tmp.resolve("a.bin");
        Safetensors.write(st, Map.of("x", Nd4j.createFromArray(1f, 2f)), Map.of());
        Path npy = tmp.resolve("b.bin");
        Npy.write(npy, Nd4j.createFromArray(3L));
        Path npz = tmp.resolve("c.bin");
        Npz.write(npz, Map.of("y", Nd4j.createFromArray(4.0)));
        try (TensorSource s = TensorFiles.open(st)) {
            assertInstanceOf(Safetensors.class, s);
            assertEquals("safetensors", TensorFiles.formatName(s));
        }
        try (TensorSource s = TensorFiles.open(npy)) {
            assertInstanceOf(Npy.class, s);
            assertEquals("NumPy .npy", TensorFiles.formatName(s));
        }
        try (TensorSource s = TensorFiles.open(npz)) {
            assertInstanceOf(Npz.class, s);
            assertEquals("NumPy .npz", TensorFiles.formatName(s));
            assertEquals(4.0, s.doubles("y")[0]);
        }
    }

    @Test
    void open_everyFixtureTensorFile_opensWithItsFormat() throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.walk(Fixtures.root())) {
            s.filter(Files::isRegularFile)
                    .filter(p -> p.toString().matches(".*\\.(safetensors|pt|pth)$"))
                    .sorted()
                    .forEach(files::add);
        }
        assertFalse(files.isEmpty());
        for (Path f : files) {
            try (TensorSource s = TensorFiles.open(f)) {
                String expected = f.toString().endsWith(".safetensors")
                        ? "safetensors"
                        : f.toString().endsWith(".dac.pth")
                                ? "PyTorch zip checkpoint (DAC container)"
                                : "PyTorch zip checkpoint";
                assertEquals(expected, TensorFiles.formatName(s), f.toString());
                assertFalse(s.tensors().isEmpty(), f.toString());
                TensorInfo first = s.tensors().get(0);
                assertEquals(first.numel(), s.load(first.name()).length(), f.toString());
            }
        }
    }

    @Test
    void open_unknownFormat_throws() throws IOException {
        Path f = tmp.resolve("readme.txt");
        Files.writeString(f, "hello, this is not a tensor file", StandardCharsets.UTF_8);
        assertFormatError(f, () -> TensorFiles.open(f), "not a safetensors, PyTorch zip, .npy or .npz file");
        Path empty = tmp.resolve("empty.bin");
        Files.write(empty, new byte[0]);
        assertFormatError(empty, () -> TensorFiles.open(empty), "not a safetensors, PyTorch zip, .npy or .npz file");
    }

    @Test
    void open_zipOfOtherFiles_throws() throws IOException {
        Path f = tmp.resolve("docs.zip");
        PickleBuilder.zip(f, Map.of("a.npy", new byte[0], "b.txt", new byte[] {1}));
        assertFormatError(f, () -> TensorFiles.open(f), "not a safetensors, PyTorch zip, .npy or .npz file");
    }

    @Test
    void open_truncatedLegacyTorchPickle_saysLegacyAndTruncated() throws IOException {
        Path f = tmp.resolve("old.pt");
        Files.write(f, new byte[] {(byte) 0x80, 2, (byte) 0x8a, 10, 0x6c, (byte) 0xfc, (byte) 0x9c, 0x46});
        assertFormatError(f, () -> TensorFiles.open(f), "legacy torch.save", "truncated");
    }

    @Test
    void open_malformedSafetensors_reportsTheSafetensorsProblem() throws IOException {
        Path f = tmp.resolve("bad.safetensors");
        Files.write(
                f,
                java.nio.ByteBuffer.allocate(12)
                        .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                        .putLong(100)
                        .put((byte) '{')
                        .array());
        assertFormatError(f, () -> TensorFiles.open(f), "header length 100", "exceeds");
    }

    @Test
    void formatName_ofTorchCheckpoint_isStable() throws IOException {
        Path f = tmp.resolve("t.pt");
        byte[] storage = new byte[4];
        PickleBuilder.torchZip(
                f,
                PickleBuilder.stateDict(List.of(new PickleBuilder.Spec(
                        "w", "FloatStorage", "0", storage, 4, 0, new long[] {1}, new long[] {1}))),
                Map.of("0", storage),
                Map.of());
        try (TensorSource s = TensorFiles.open(f)) {
            assertEquals("PyTorch zip checkpoint", TensorFiles.formatName(s));
            assertEquals(DataType.FLOAT, s.load("w").dataType());
        }
    }
}
