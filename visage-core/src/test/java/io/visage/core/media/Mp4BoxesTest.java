package io.visage.core.media;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Mp4BoxesTest {
    @TempDir
    Path tmp;

    @Test
    void parseThenSerialise_realMoov_isByteIdentical() throws IOException {
        Path in = MediaTestFiles.resource(MediaTestFiles.FFMPEG_CLIP, tmp);
        try (FileChannel ch = FileChannel.open(in, StandardOpenOption.READ)) {
            for (Mp4Boxes.TopLevelBox b : Mp4Boxes.scanTopLevel(ch, in)) {
                if (b.type().equals("mdat")) {
                    continue;
                }
                ByteBuffer raw = ByteBuffer.allocate((int) b.size());
                Mp4Boxes.readFully(ch, raw, b.offset());
                assertArrayEquals(raw.array(), Mp4Boxes.readBox(ch, b, in).toBytes(), "box " + b.type());
            }
        }
    }

    @Test
    void scanTopLevel_largeSizeAndToEndOfFile_areHonoured() throws IOException {
        Path f = tmp.resolve("boxes.mp4");
        ByteBuffer b = ByteBuffer.allocate(16 + 5 + 8 + 3);
        b.putInt(1).put(ascii("free")).putLong(16 + 5).put(new byte[5]); // 64-bit size
        b.putInt(0).put(ascii("mdat")).put(new byte[3]); // size 0: up to the end of the file
        Files.write(f, b.array());
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            List<Mp4Boxes.TopLevelBox> top = Mp4Boxes.scanTopLevel(ch, f);
            assertEquals(
                    List.of(new Mp4Boxes.TopLevelBox("free", 0, 21, 16), new Mp4Boxes.TopLevelBox("mdat", 21, 11, 8)),
                    top);
        }
    }

    @Test
    void parseChildren_childLargerThanParent_throwsWithPath() {
        ByteBuffer b = ByteBuffer.allocate(8 + 8);
        b.putInt(8 + 8).put(ascii("trak")).putInt(64).put(ascii("tkhd"));
        Mp4FormatException e = assertThrows(
                Mp4FormatException.class, () -> Mp4Boxes.parseChildren(b.flip(), Path.of("x.mp4"), "moov"));
        assertTrue(e.getMessage().contains("moov/trak/tkhd: declares 64 bytes"), e.getMessage());
        assertTrue(e.getMessage().contains("declares 64 bytes"), e.getMessage());
    }

    @Test
    void soundEntryChildren_unknownDescriptionVersion_throws() {
        ByteBuffer e = ByteBuffer.allocate(28);
        e.putShort(8, (short) 5);
        Mp4FormatException ex = assertThrows(
                Mp4FormatException.class,
                () -> Mp4Boxes.soundEntryChildren(Mp4Box.leaf("sowt", e.array()), Path.of("x.mp4"), "stsd/sowt"));
        assertTrue(ex.getMessage().contains("version 5"), ex.getMessage());
    }

    @Test
    void size_containerSumsChildren() {
        Mp4Box leaf = Mp4Box.leaf("free", new byte[5]);
        Mp4Box box = Mp4Box.container("moov", new byte[3], List.of(leaf, leaf));
        assertEquals(8 + 3 + 2 * (8 + 5), box.size());
        assertEquals(box.size(), box.toBytes().length);
        assertEquals(box.size(), ByteBuffer.wrap(box.toBytes()).getInt());
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
