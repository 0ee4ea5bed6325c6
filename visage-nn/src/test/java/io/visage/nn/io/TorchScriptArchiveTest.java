package io.visage.nn.io;

import io.visage.nn.CheckpointFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code torch.jit.save} archives (OpenAI's CLIP {@code ViT-B-32.pt} is one): modules are pickled as
 * {@code GLOBAL '__torch__.<module>' '<Class>'; EMPTY_TUPLE; NEWOBJ; {attributes}; BUILD}, tensors as in
 * torch.save. The reader takes the tensor attributes by dotted path and never runs TorchScript code.
 */
class TorchScriptArchiveTest {

    private static byte[] f16(short... bits) {
        ByteBuffer b = ByteBuffer.allocate(bits.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (short s : bits) {
            b.putShort(s);
        }
        return b.array();
    }

    /** Opens an object of a TorchScript class and its attribute dict (MARK follows). */
    private static PickleBuilder object(PickleBuilder p, String module, String cls) {
        return p.global(module, cls).emptyTuple().op(0x81).emptyDict().mark();
    }

    private static PickleBuilder endObject(PickleBuilder p) {
        return p.op('u').op('b'); // SETITEMS, BUILD
    }

    private static Path archive(Path dir) throws IOException {
        PickleBuilder p = new PickleBuilder().proto(2);
        object(p, "__torch__.multimodal.model.multimodal_transformer", "Multimodal");
        p.str("training").op(0x89);
        p.str("visual");
        object(p, "__torch__.multimodal.model.multimodal_transformer", "VisualTransformer");
        p.str("training").op(0x89);
        p.str("proj").tensor("HalfStorage", "0", 4, 0, new long[] {2, 2}, new long[] {2, 1});
        p.str("conv1");
        object(p, "__torch__.torch.nn.modules.conv", "Conv2d");
        p.str("weight").tensor("HalfStorage", "1", 2, 0, new long[] {2}, new long[] {1});
        p.str("bias").op('N');
        endObject(p);
        endObject(p);
        p.str("logit_scale").tensor("FloatStorage", "2", 1, 0, new long[] {}, new long[] {});
        p.str("dims")
                .global("torch.jit._pickle", "build_intlist")
                .mark()
                .op(']')
                .mark()
                .integer(3)
                .integer(4)
                .op('e')
                .tuple()
                .reduce(); // build_intlist([3, 4]): EMPTY_LIST, MARK, ..., APPENDS
        endObject(p);
        byte[] pickle = p.stop().bytes();
        Map<String, byte[]> storages = new LinkedHashMap<>();
        storages.put("0", f16((short) 0x3c00, (short) 0x4000, (short) 0xc000, (short) 0x3800)); // 1, 2, -2, 0.5
        storages.put("1", f16((short) 0x4200, (short) 0x0000)); // 3, 0
        storages.put(
                "2",
                ByteBuffer.allocate(4)
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .putFloat(4.6052f)
                        .array());
        Path f = dir.resolve("ViT-B-32.pt");
        PickleBuilder.torchZip(
                f,
                pickle,
                storages,
                Map.of(
                        "archive/constants.pkl",
                        new PickleBuilder().proto(2).emptyTuple().stop().bytes(),
                        "archive/code/__torch__/model.py",
                        "def forward(self): ...\n".getBytes(StandardCharsets.UTF_8)));
        return f;
    }

    @Test
    void torchScriptArchive_tensorAttributesByDottedPath(@TempDir Path dir) throws IOException {
        Path f = archive(dir);
        try (TorchCheckpoint c = TorchCheckpoint.open(f)) {
            assertTrue(c.isTorchScript());
            assertEquals("PyTorch TorchScript archive", TensorFiles.formatName(c));
            assertEquals(
                    List.of("visual.proj", "visual.conv1.weight", "logit_scale"),
                    c.tensors().stream().map(TensorInfo::name).toList());
            assertArrayEquals(new float[] {1, 2, -2, 0.5f}, c.floats("visual.proj"));
            assertArrayEquals(new long[] {2, 2}, c.shape("visual.proj"));
            assertArrayEquals(new float[] {3, 0}, c.floats("visual.conv1.weight"));
            assertEquals(4.6052f, c.floats("logit_scale")[0]);
            assertEquals(
                    "__torch__.multimodal.model.multimodal_transformer.Multimodal",
                    c.metadata().get("torchscript_type"));
        }
    }

    @Test
    void newObjOfANonTorchScriptGlobal_isRejected(@TempDir Path dir) throws IOException {
        byte[] pickle = new PickleBuilder()
                .proto(2)
                .global("collections", "OrderedDict")
                .emptyTuple()
                .op(0x81)
                .stop()
                .bytes();
        Path f = dir.resolve("bad.pt");
        PickleBuilder.torchZip(f, pickle, Map.of(), Map.of());
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> TorchCheckpoint.open(f));
        assertTrue(e.getMessage().contains("bad.pt") && e.getMessage().contains("NEWOBJ"), e.getMessage());
    }

    @Test
    void callingATorchScriptClass_isRejected(@TempDir Path dir) throws IOException {
        byte[] pickle = new PickleBuilder()
                .proto(2)
                .global("__torch__.evil", "Payload")
                .mark()
                .str("rm -rf")
                .tuple()
                .reduce()
                .stop()
                .bytes();
        Path f = dir.resolve("evil.pt");
        PickleBuilder.torchZip(f, pickle, Map.of(), Map.of());
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> TorchCheckpoint.open(f));
        assertTrue(
                e.getMessage().contains("evil.pt")
                        && e.getMessage().contains("REDUCE")
                        && e.getMessage().contains("__torch__.evil.Payload"),
                e.getMessage());
    }
}
