package io.visage.audio.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WavTest {
    @TempDir
    Path tmp;

    /** Random samples that the format represents exactly (multiples of 2^-(bits-1) in [-1, 1)), incl. both extremes. */
    static AudioBuffer onGrid(SampleFormat f, int rate, int channels, int frames, long seed) {
        Random rnd = new Random(seed);
        float[][] x = new float[channels][frames];
        for (int c = 0; c < channels; c++) {
            for (int n = 0; n < frames; n++) {
                if (f == SampleFormat.FLOAT_32) {
                    x[c][n] = (float) (rnd.nextGaussian() * 2);
                } else {
                    long full = 1L << (f.bits() - 1);
                    long k = (long) Math.floor((rnd.nextDouble() * 2 - 1) * full);
                    if (f == SampleFormat.PCM_32) {
                        k &= ~0xFFL; // floats carry 24 significant bits
                    }
                    x[c][n] = (float) (k / (double) full);
                }
            }
            x[c][0] = -1f;
        }
        return new AudioBuffer(rate, x);
    }

    static Stream<Arguments> formatsAndLayouts() {
        return Stream.of(SampleFormat.values()).flatMap(f -> Stream.of(Arguments.of(f, false), Arguments.of(f, true)));
    }

    @ParameterizedTest
    @MethodSource("formatsAndLayouts")
    void writeThenRead_isBitExact_forEveryFormatAndHeader(SampleFormat f, boolean extensible) {
        for (int channels : new int[] {1, 2, 4, 7}) {
            AudioBuffer a = onGrid(f, 44100 + channels, channels, 1000 + 8191 * (channels % 3), 17 + channels);
            Path file = tmp.resolve(f + "-" + extensible + "-" + channels + ".wav");
            WavFormat wf = WavFormat.of(a.sampleRate(), channels, f);
            Wav.write(file, a, extensible ? wf.withExtensible(0) : wf);

            AudioBuffer b = Wav.read(file);

            assertEquals(a.sampleRate(), b.sampleRate());
            for (int c = 0; c < channels; c++) {
                assertArrayEquals(a.channel(c), b.channel(c), 0f, f + " channel " + c);
            }
            assertEquals(extensible, Wav.format(file).extensible());
            assertEquals(f, Wav.format(file).sampleFormat());
        }
    }

    @ParameterizedTest
    @EnumSource(SampleFormat.class)
    void readThenWrite_reproducesTheFileBytes(SampleFormat f) throws IOException {
        Path first = tmp.resolve("first.wav");
        Wav.write(first, onGrid(f, 16000, 3, 2501, 5), f);
        Path second = tmp.resolve("second.wav");

        Wav.write(second, Wav.read(first), f);

        assertArrayEquals(Files.readAllBytes(first), Files.readAllBytes(second));
    }

    @Test
    void header_sizesAgreeWithTheFile() throws IOException {
        Path file = tmp.resolve("odd.wav");
        Wav.write(file, onGrid(SampleFormat.PCM_24, 8000, 1, 3, 1), SampleFormat.PCM_24); // 9 data bytes: pad byte
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);

        assertEquals(b.capacity() - 8, b.getInt(4));
        assertEquals(0, b.capacity() % 2);
        assertEquals(1, b.getShort(20));
        assertEquals(3, Wav.read(file).frames());
    }

    @Test
    void pcm_scalesLikeLibsndfile_andClipsOnWrite() {
        Path file = tmp.resolve("clip.wav");
        float[] x = {0.5f, -1f, 1f, 1.5f, -2f, Float.NaN, 0.25f / 32768f * 2, -0.75f / 32768f};
        Wav.write(file, new AudioBuffer(16000, new float[][] {x}), SampleFormat.PCM_16);

        float[] y = Wav.read(file).channel(0);

        float max = 32767f / 32768f;
        assertArrayEquals(new float[] {0.5f, -1f, max, max, -1f, 0f, 0f, -1f / 32768f}, y, 0f);
    }

    @Test
    void streamingReader_givesTheSameSamplesInOddBlocks() {
        Path file = tmp.resolve("stream.wav");
        AudioBuffer a = onGrid(SampleFormat.FLOAT_32, 48000, 4, 20011, 9);
        Wav.write(file, a, SampleFormat.FLOAT_32);
        float[][] got = new float[4][a.frames()];

        try (WavReader r = WavReader.open(file)) {
            assertEquals(a.frames(), r.frames());
            int at = 0;
            int step = 1;
            while (r.remaining() > 0) {
                at += r.read(got, at, step);
                step = step * 3 + 1;
            }
            assertEquals(0, r.read(got, at, 10));
        }

        for (int c = 0; c < 4; c++) {
            assertArrayEquals(a.channel(c), got[c], 0f);
        }
    }

    @Test
    void handWrittenExtensible24BitFile_isRead() throws IOException {
        int[] samples = {0x7FFFFF, -0x800000, 1, -1, 0x123456, -0x654321};
        ByteBuffer b = ByteBuffer.allocate(12 + 48 + 8 + 18).order(ByteOrder.LITTLE_ENDIAN);
        b.put(ascii("RIFF")).putInt(b.capacity() - 8).put(ascii("WAVE"));
        b.put(ascii("fmt "))
                .putInt(40)
                .putShort((short) 0xFFFE)
                .putShort((short) 2)
                .putInt(32000)
                .putInt(32000 * 6)
                .putShort((short) 6)
                .putShort((short) 24)
                .putShort((short) 22)
                .putShort((short) 24)
                .putInt(0x3)
                .putShort((short) 1)
                .put(WavReader.GUID_TAIL);
        b.put(ascii("data")).putInt(18);
        for (int s : samples) {
            b.put((byte) s).put((byte) (s >> 8)).put((byte) (s >> 16));
        }
        Path file = tmp.resolve("ext.wav");
        Files.write(file, b.array());

        AudioBuffer a = Wav.read(file);
        WavFormat f = Wav.format(file);

        assertTrue(f.extensible());
        assertEquals(0x3, f.channelMask());
        assertEquals(SampleFormat.PCM_24, f.sampleFormat());
        assertEquals(32000, a.sampleRate());
        float[][] expected = new float[2][3];
        for (int i = 0; i < samples.length; i++) {
            expected[i % 2][i / 2] = samples[i] / 8388608f;
        }
        assertArrayEquals(expected[0], a.channel(0), 0f);
        assertArrayEquals(expected[1], a.channel(1), 0f);
    }

    @Test
    void unknownChunks_areSkipped() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(12 + 24 + 8 + 3 + 1 + 8 + 4).order(ByteOrder.LITTLE_ENDIAN);
        b.put(ascii("RIFF")).putInt(b.capacity() - 8).put(ascii("WAVE"));
        b.put(ascii("fmt "))
                .putInt(16)
                .putShort((short) 1)
                .putShort((short) 1)
                .putInt(8000)
                .putInt(16000)
                .putShort((short) 2)
                .putShort((short) 16);
        b.put(ascii("LIST")).putInt(3).put((byte) 1).put((byte) 2).put((byte) 3).put((byte) 0);
        b.put(ascii("data")).putInt(4).putShort((short) 16384).putShort((short) -16384);
        Path file = tmp.resolve("list.wav");
        Files.write(file, b.array());

        assertArrayEquals(new float[] {0.5f, -0.5f}, Wav.read(file).channel(0), 0f);
    }

    // ---- malformed files -------------------------------------------------------------------------

    private Path pcm16(String name) {
        Path file = tmp.resolve(name);
        Wav.write(file, onGrid(SampleFormat.PCM_16, 8000, 2, 100, 3), SampleFormat.PCM_16);
        return file;
    }

    private Path patched(String name, int offset, int value) throws IOException {
        Path file = pcm16(name);
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(offset, value);
        Files.write(file, b.array());
        return file;
    }

    private static void assertFails(Path file, String... fragments) {
        WavFormatException e = assertThrows(WavFormatException.class, () -> Wav.read(file));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        for (String s : fragments) {
            assertTrue(e.getMessage().contains(s), "'" + s + "' missing in: " + e.getMessage());
        }
        assertEquals(file, e.file());
    }

    @Test
    void zeroChannels_isRejected() throws IOException {
        Path file = pcm16("zero.wav");
        byte[] bytes = Files.readAllBytes(file);
        bytes[22] = 0;
        bytes[23] = 0;
        Files.write(file, bytes);

        assertFails(file, "zero channels");
    }

    @Test
    void truncatedData_isRejected() throws IOException {
        Path file = pcm16("trunc.wav");
        byte[] bytes = Files.readAllBytes(file);
        byte[] cut = java.util.Arrays.copyOf(bytes, bytes.length - 10);
        ByteBuffer.wrap(cut).order(ByteOrder.LITTLE_ENDIAN).putInt(4, cut.length - 8);
        Files.write(file, cut);

        assertFails(file, "truncated data", "declares " + (bytes.length - 44) + " bytes", "only " + (cut.length - 44));
    }

    @Test
    void riffSizeLargerThanFile_isRejected() throws IOException {
        Path file = patched("riff.wav", 4, 1_000_000);

        assertFails(file, "wrong RIFF chunk size", "1000000");
    }

    @Test
    void fmtChunkSizeTooSmall_isRejected() throws IOException {
        assertFails(patched("fmt.wav", 16, 12), "'fmt '", "at least 16", "12");
    }

    @Test
    void fmtChunkSizePastTheEnd_isRejected() throws IOException {
        assertFails(patched("fmtbig.wav", 16, 5000), "wrong chunk size", "'fmt '", "5000");
    }

    @Test
    void dataSizeNotAMultipleOfTheFrame_isRejected() throws IOException {
        assertFails(patched("frame.wav", 40, 399), "399", "multiple of the frame size 4");
    }

    @Test
    void wrongBlockAlign_isRejected() throws IOException {
        Path file = pcm16("align.wav");
        byte[] bytes = Files.readAllBytes(file);
        bytes[32] = 3;
        Files.write(file, bytes);

        assertFails(file, "block align", "expected 4", "found 3");
    }

    @Test
    void notRiff_andTooShort_andUnsupported_areRejected() throws IOException {
        Path text = tmp.resolve("text.wav");
        Files.writeString(text, "hello, this is not audio");
        assertFails(text, "not a RIFF/WAVE file");

        Path tiny = tmp.resolve("tiny.wav");
        Files.write(tiny, new byte[] {'R', 'I', 'F', 'F'});
        assertFails(tiny, "too short", "12 bytes", "has 4");

        Path eight = patched("eight.wav", 34, 8 | (2 << 16)); // bits 8 (and keep a plausible layout)
        assertFails(eight, "unsupported encoding", "8 bits");
    }

    @Test
    void missingDataChunk_isRejected() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(12 + 24).order(ByteOrder.LITTLE_ENDIAN);
        b.put(ascii("RIFF")).putInt(b.capacity() - 8).put(ascii("WAVE"));
        b.put(ascii("fmt "))
                .putInt(16)
                .putShort((short) 1)
                .putShort((short) 1)
                .putInt(8000)
                .putInt(16000)
                .putShort((short) 2)
                .putShort((short) 16);
        Path file = tmp.resolve("nodata.wav");
        Files.write(file, b.array());

        assertFails(file, "no 'data' chunk");
    }

    // ---- atomic writing ---------------------------------------------------------------------------

    @Test
    void writerClosedWithoutCommit_leavesNothing() throws IOException {
        Path file = tmp.resolve("partial.wav");
        try (WavWriter w = WavWriter.create(file, WavFormat.of(8000, 1, SampleFormat.PCM_16))) {
            w.write(new float[][] {new float[100]}, 0, 100);
        }

        assertFalse(Files.exists(file));
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(0, s.count());
        }
    }

    @Test
    void failedWrite_keepsThePreviousFile() throws IOException {
        Path file = pcm16("keep.wav");
        byte[] before = Files.readAllBytes(file);
        AudioBuffer mono = new AudioBuffer(8000, new float[1][10]);

        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> Wav.write(file, mono, WavFormat.of(8000, 2, SampleFormat.PCM_16)));

        assertTrue(e.getMessage().contains("2 channels"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file));
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(1, s.count());
        }
    }

    @Test
    void audioBuffer_validatesItsShape() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new AudioBuffer(16000, new float[0][]))
                .getMessage()
                .contains("0"));
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> new AudioBuffer(16000, new float[][] {new float[3], new float[4]}))
                .getMessage()
                .contains("channel 1 has 4"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new AudioBuffer(0, new float[1][1]))
                .getMessage()
                .contains("sample rate"));
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
