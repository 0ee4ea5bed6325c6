package io.visage.core.media;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpatialAudioBoxTest {
    private static final Path FILE = Path.of("test.mp4");

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3})
    void toBox_thenParse_roundTripsAnyOrderAndPermutation(int order) {
        int n = (order + 1) * (order + 1);
        List<Integer> map = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            map.add(i);
        }
        Collections.shuffle(map, new Random(order));
        SpatialAudioBox box = new SpatialAudioBox(
                0,
                SpatialAudioBox.AmbisonicType.PERIPHONIC,
                order,
                SpatialAudioBox.ChannelOrdering.ACN,
                SpatialAudioBox.Normalization.SN3D,
                map);

        Mp4Box wire = box.toBox();
        assertEquals(8 + 12 + 4L * n, wire.size());
        assertEquals(box, SpatialAudioBox.parse(wire, FILE, "SA3D"));
    }

    /** Decodes the written file's SA3D bytes by hand, field by field, as the spatial-media RFC lays them out. */
    @Test
    void write_sa3dWireBytes_matchSpecificationLayout() throws IOException {
        Path out = tmp.resolve("out.mp4");
        SpatialMp4Writer.write(
                MediaTestFiles.resource(MediaTestFiles.FFMPEG_CLIP, tmp), MediaTestFiles.foa(100, 8000, 1), 8000, out);
        byte[] file = Files.readAllBytes(out);
        int at = indexOf(file, "SA3D".getBytes(StandardCharsets.US_ASCII));
        assertTrue(at >= 4, "no SA3D bytes in the file");
        assertEquals(
                -1,
                indexOf(
                        java.util.Arrays.copyOfRange(file, at + 4, file.length),
                        "SA3D".getBytes(StandardCharsets.US_ASCII)),
                "exactly one SA3D box");
        ByteBuffer b = ByteBuffer.wrap(file, at - 4, file.length - at + 4);
        int channels = SpatialMp4Writer.CHANNELS;
        assertEquals(8 + 1 + 1 + 4 + 1 + 1 + 4 + 4 * channels, b.getInt(), "box size");
        b.getInt(); // type
        assertEquals(0, b.get(), "version");
        assertEquals(0, b.get(), "ambisonic_type periphonic");
        assertEquals(1, b.getInt(), "ambisonic_order");
        assertEquals(0, b.get(), "ambisonic_channel_ordering ACN");
        assertEquals(0, b.get(), "ambisonic_normalization SN3D");
        assertEquals(channels, b.getInt(), "num_channels");
        for (int i = 0; i < channels; i++) {
            assertEquals(i, b.getInt(), "channel_map[" + i + "]");
        }
        // the enclosing sample entry is the sowt entry, whose size covers the SA3D box exactly at its end
        int entry = indexOf(file, "sowt".getBytes(StandardCharsets.US_ASCII)) - 4;
        assertEquals(
                at - 4 + 8 + 12 + 4 * channels, entry + ByteBuffer.wrap(file).getInt(entry));
    }

    @Test
    void parse_undefinedNormalization_throwsNamingField() {
        byte[] body = SpatialAudioBox.firstOrderAmbix().toBox().bodyBytes();
        body[7] = 1; // ambisonic_normalization (1 would be N3D, which the RFC does not define)
        Mp4FormatException e = assertThrows(
                Mp4FormatException.class,
                () -> SpatialAudioBox.parse(Mp4Box.leaf("SA3D", body), FILE, "moov/trak[2]/SA3D"));
        assertTrue(e.getMessage().contains("ambisonic_normalization 1"), e.getMessage());
        assertTrue(e.getMessage().contains("moov/trak[2]/SA3D"), e.getMessage());
        assertTrue(e.getMessage().startsWith(FILE.toString()), e.getMessage());
    }

    @Test
    void parse_channelMapShorterThanNumChannels_throws() {
        byte[] full = SpatialAudioBox.firstOrderAmbix().toBox().bodyBytes();
        byte[] cut = java.util.Arrays.copyOf(full, full.length - 4);
        Mp4FormatException e = assertThrows(
                Mp4FormatException.class, () -> SpatialAudioBox.parse(Mp4Box.leaf("SA3D", cut), FILE, "SA3D"));
        assertTrue(e.getMessage().contains("num_channels 4 needs 16 bytes"), e.getMessage());
    }

    @Test
    void parse_wrongVersion_throws() {
        byte[] body = SpatialAudioBox.firstOrderAmbix().toBox().bodyBytes();
        body[0] = 1;
        Mp4FormatException e = assertThrows(
                Mp4FormatException.class, () -> SpatialAudioBox.parse(Mp4Box.leaf("SA3D", body), FILE, "SA3D"));
        assertTrue(e.getMessage().contains("version 1"), e.getMessage());
    }

    @Test
    void constructor_negativeChannelIndex_throws() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> new SpatialAudioBox(
                        0,
                        SpatialAudioBox.AmbisonicType.PERIPHONIC,
                        1,
                        SpatialAudioBox.ChannelOrdering.ACN,
                        SpatialAudioBox.Normalization.SN3D,
                        List.of(0, -1, 2, 3)));
        assertTrue(e.getMessage().contains("entry 1"), e.getMessage());
    }

    @Test
    void readSpatialAudio_plainVideo_isEmpty() throws IOException {
        assertTrue(SpatialMp4Reader.readSpatialAudio(MediaTestFiles.resource(MediaTestFiles.FFMPEG_CLIP, tmp))
                .isEmpty());
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
