package io.visage.core.media;

import io.visage.nn.ShapeMismatchException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.jcodec.common.DemuxerTrack;
import org.jcodec.common.io.NIOUtils;
import org.jcodec.common.io.SeekableByteChannel;
import org.jcodec.common.model.Packet;
import org.jcodec.containers.mp4.demuxer.MP4Demuxer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpatialMp4WriterTest {
    /** Quantisation step of 16-bit PCM as the writer scales it (x * 32767), plus float rounding slack. */
    private static final double PCM_TOL = 0.5 / 32767 + 1e-6;

    @TempDir
    Path tmp;

    private Path input(String which) throws IOException {
        return switch (which) {
            case "ffmpeg" -> MediaTestFiles.resource(MediaTestFiles.FFMPEG_CLIP, tmp);
            case "jcodec" -> MediaTestFiles.jcodecClip(tmp, 12, 10, 7);
            default -> throw new IllegalArgumentException(which);
        };
    }

    /** A length that is not a whole number of one-second audio chunks. */
    private static int frames(int sampleRate) {
        return sampleRate * 2 + sampleRate / 3 + 17;
    }

    @ParameterizedTest
    @ValueSource(strings = {"ffmpeg", "jcodec"})
    void write_anyInput_sa3dReadsBackAsFirstOrderAmbix(String which) throws IOException {
        Path out = tmp.resolve("out.mp4");
        SpatialMp4Writer.write(input(which), MediaTestFiles.foa(frames(16000), 16000, 1), 16000, out);

        SpatialAudioBox box = SpatialMp4Reader.readSpatialAudio(out).orElseThrow();
        assertEquals(0, box.version());
        assertEquals(SpatialAudioBox.AmbisonicType.PERIPHONIC, box.type());
        assertEquals(0, box.type().code());
        assertEquals(1, box.order());
        assertEquals(SpatialAudioBox.ChannelOrdering.ACN, box.ordering());
        assertEquals(0, box.ordering().code());
        assertEquals(SpatialAudioBox.Normalization.SN3D, box.normalization());
        assertEquals(0, box.normalization().code());
        assertEquals(SpatialMp4Writer.CHANNELS, box.numChannels());
        assertEquals(List.of(0, 1, 2, 3), box.channelMap());
        assertEquals(box.componentCount(), box.numChannels());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ffmpeg", "jcodec"})
    void write_anyInput_tracksAreCopiedVideoAndFourChannelAudio(String which) throws IOException {
        Path in = input(which);
        int rate = 22050;
        int n = frames(rate);
        Path out = tmp.resolve("out.mp4");
        SpatialMp4Writer.Result r = SpatialMp4Writer.write(in, MediaTestFiles.foa(n, rate, 2), rate, out);

        List<Mp4Track> before = SpatialMp4Reader.listTracks(in);
        List<Mp4Track> after = SpatialMp4Reader.listTracks(out);
        Mp4Track videoIn = before.stream()
                .filter(t -> t.kind() == Mp4Track.Kind.VIDEO)
                .findFirst()
                .orElseThrow();
        assertEquals(2, after.size(), "tracks: " + after);
        assertEquals(videoIn, after.get(0));
        assertEquals(videoIn, r.video());
        Mp4Track audio = after.get(1);
        assertEquals(Mp4Track.Kind.AUDIO, audio.kind());
        assertEquals("sowt", audio.codec());
        assertEquals(SpatialMp4Writer.CHANNELS, audio.channels());
        assertEquals(rate, audio.sampleRateHz());
        assertEquals(n, audio.sampleCount());
        assertEquals((double) n / rate, audio.durationSeconds(), 1e-12);
        assertEquals(audio, r.audio());
        assertEquals(before.size() - 1, r.dropped().size());
        assertTrue(r.dropped().stream().noneMatch(t -> t.equals(videoIn)));
    }

    @ParameterizedTest
    @ValueSource(ints = {8000, 44100, 48000})
    void write_pcm_readsBackWithinQuantisation(int rate) throws IOException {
        int n = frames(rate);
        float[][] foa = MediaTestFiles.foa(n, rate, rate);
        Path out = tmp.resolve("out.mp4");
        SpatialMp4Writer.Result r = SpatialMp4Writer.write(input("ffmpeg"), foa, rate, out);

        SpatialMp4Reader.PcmAudio pcm = SpatialMp4Reader.readPcm(out);
        assertEquals(rate, pcm.sampleRateHz());
        assertEquals(SpatialMp4Writer.CHANNELS, pcm.channels());
        assertEquals(n, pcm.frames());
        long clipped = 0;
        for (int c = 0; c < foa.length; c++) {
            for (int i = 0; i < n; i++) {
                double expected = Math.max(-1, Math.min(1, foa[c][i]));
                clipped += Math.abs(foa[c][i]) > 1 ? 1 : 0;
                double diff = Math.abs(pcm.samples()[c][i] - expected);
                if (diff > PCM_TOL) {
                    throw new AssertionError(
                            "channel " + c + " sample " + i + ": wrote " + foa[c][i] + " read " + pcm.samples()[c][i]);
                }
            }
        }
        assertTrue(clipped > 0, "the test signal should overshoot so clamping is exercised");
        assertEquals(clipped, r.clippedSamples());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ffmpeg", "jcodec"})
    void write_video_packetsAndTimingUnchangedPerJcodec(String which) throws IOException {
        Path in = input(which);
        Path out = tmp.resolve("out.mp4");
        SpatialMp4Writer.write(in, MediaTestFiles.foa(frames(16000), 16000, 3), 16000, out);

        List<Packet> a = videoPackets(in);
        List<Packet> b = videoPackets(out);
        assertFalse(a.isEmpty());
        assertEquals(a.size(), b.size(), "video packet count");
        for (int i = 0; i < a.size(); i++) {
            Packet p = a.get(i);
            Packet q = b.get(i);
            String at = "packet " + i;
            assertEquals(p.getPts(), q.getPts(), at + " pts");
            assertEquals(p.getDuration(), q.getDuration(), at + " duration");
            assertEquals(p.getTimescale(), q.getTimescale(), at + " timescale");
            assertEquals(p.isKeyFrame(), q.isKeyFrame(), at + " key frame");
            assertEquals(p.getData(), q.getData(), at + " data");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ffmpeg", "jcodec"})
    void write_videoTrak_identicalExceptChunkOffsetsAndMoovFirst(String which) throws IOException {
        Path in = input(which);
        Path out = tmp.resolve("out.mp4");
        SpatialMp4Writer.write(in, MediaTestFiles.foa(frames(16000), 16000, 4), 16000, out);

        Mp4File src = SpatialMp4Reader.open(in);
        Mp4File dst = SpatialMp4Reader.open(out);
        Mp4Box before = src.tracks().stream()
                .filter(t -> t.handler().equals("vide"))
                .findFirst()
                .orElseThrow()
                .trak();
        Mp4Box after = dst.tracks().get(0).trak();
        assertArrayEquals(
                withoutOffsets(before).toBytes(), withoutOffsets(after).toBytes());
        List<String> order =
                dst.topLevel.stream().map(Mp4Boxes.TopLevelBox::type).toList();
        assertTrue(order.indexOf("moov") < order.indexOf("mdat"), "moov before mdat: " + order);
    }

    @Test
    void isIsoMedia_trueForMp4AndMov_falseForOtherContainersAndJunk() throws IOException {
        for (String f : List.of("/video/smptebars-640x360-25fps-high.mp4", "/video/ffmpeg/prores.mov")) {
            assertTrue(SpatialMp4Writer.isIsoMedia(resourcePath(f)), f);
        }
        for (String f : List.of("/video/ffmpeg/vp9.webm", "/video/ffmpeg/av1.mkv", "/video/ffmpeg/mpeg4.avi")) {
            assertFalse(SpatialMp4Writer.isIsoMedia(resourcePath(f)), f);
        }
        Path tiny = Files.write(tmp.resolve("tiny.mp4"), new byte[] {0, 0, 0});
        assertFalse(SpatialMp4Writer.isIsoMedia(tiny));
        assertFalse(SpatialMp4Writer.isIsoMedia(tmp.resolve("does-not-exist.mp4")));
    }

    private static Path resourcePath(String name) {
        try {
            return Path.of(SpatialMp4WriterTest.class.getResource(name).toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void write_outputAsInput_replacesSpatialTrack() throws IOException {
        Path first = tmp.resolve("first.mp4");
        Path second = tmp.resolve("second.mp4");
        int rate = 16000;
        SpatialMp4Writer.write(input("ffmpeg"), MediaTestFiles.foa(frames(rate), rate, 5), rate, first);
        float[][] other = MediaTestFiles.foa(rate, rate, 6);
        SpatialMp4Writer.Result r = SpatialMp4Writer.write(first, other, rate, second);

        assertEquals(1, r.dropped().size());
        assertEquals("sowt", r.dropped().get(0).codec());
        assertEquals(2, SpatialMp4Reader.listTracks(second).size());
        assertEquals(other[0].length, SpatialMp4Reader.readPcm(second).frames());
    }

    @Test
    void write_inPlace_replacesInputWithSpatialVersion() throws IOException {
        Path file = input("jcodec");
        List<Packet> videoBefore = videoPackets(file);
        int rate = 16000;
        SpatialMp4Writer.write(file, MediaTestFiles.foa(rate, rate, 9), rate, file);

        assertTrue(SpatialMp4Reader.readSpatialAudio(file).isPresent());
        assertEquals(videoBefore.size(), videoPackets(file).size());
        assertEquals(rate, SpatialMp4Reader.readPcm(file).frames());
        assertEquals(List.of(), partFiles());
    }

    @Test
    void write_existingOutput_isReplacedAndNoTemporaryFileRemains() throws IOException {
        Path out = tmp.resolve("out.mp4");
        Files.writeString(out, "old");
        SpatialMp4Writer.write(input("ffmpeg"), MediaTestFiles.foa(1000, 8000, 8), 8000, out);

        assertTrue(SpatialMp4Reader.readSpatialAudio(out).isPresent());
        assertEquals(List.of(), partFiles());
    }

    // ---- negative tests -------------------------------------------------------------------

    @Test
    void write_inputNotMp4_throwsNamingFileAndLeavesNothing() throws IOException {
        Path bad = tmp.resolve("notes.mp4");
        Files.writeString(bad, "this is a text file, not a movie\n");
        Path out = tmp.resolve("out.mp4");
        Mp4FormatException e = assertThrows(
                Mp4FormatException.class,
                () -> SpatialMp4Writer.write(bad, MediaTestFiles.foa(100, 8000, 1), 8000, out));
        assertTrue(e.getMessage().contains(bad.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("not an MP4"), e.getMessage());
        assertFalse(Files.exists(out));
        assertEquals(List.of(), partFiles());
    }

    @Test
    void write_truncatedInput_throwsNamingFileAndKeepsOldOutput() throws IOException {
        Path full = input("ffmpeg");
        byte[] bytes = Files.readAllBytes(full);
        Path cut = tmp.resolve("cut.mp4");
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        Path out = tmp.resolve("out.mp4");
        Files.writeString(out, "previous result");
        Mp4FormatException e = assertThrows(
                Mp4FormatException.class,
                () -> SpatialMp4Writer.write(cut, MediaTestFiles.foa(100, 8000, 1), 8000, out));
        assertTrue(e.getMessage().contains(cut.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("'mdat'"), e.getMessage());
        assertEquals("previous result", Files.readString(out));
        assertEquals(List.of(), partFiles());
    }

    @Test
    void write_noVideoTrack_throwsNamingFile() throws IOException {
        Path audioOnly = MediaTestFiles.withoutTracks(input("ffmpeg"), "vide", tmp.resolve("audio-only.mp4"));
        Path out = tmp.resolve("out.mp4");
        Mp4FormatException e = assertThrows(
                Mp4FormatException.class,
                () -> SpatialMp4Writer.write(audioOnly, MediaTestFiles.foa(100, 8000, 1), 8000, out));
        assertTrue(e.getMessage().contains(audioOnly.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("no video track"), e.getMessage());
        assertTrue(e.getMessage().contains("'soun'"), e.getMessage());
        assertFalse(Files.exists(out));
        assertEquals(List.of(), partFiles());
    }

    @Test
    void write_threeChannels_throwsShapeMismatch() throws IOException {
        Path in = input("ffmpeg");
        float[][] foa = {new float[10], new float[10], new float[10]};
        ShapeMismatchException e = assertThrows(
                ShapeMismatchException.class, () -> SpatialMp4Writer.write(in, foa, 8000, tmp.resolve("out.mp4")));
        assertTrue(e.getMessage().contains("foa: expected 4 channels"), e.getMessage());
        assertTrue(e.getMessage().contains("found 3"), e.getMessage());
        assertEquals(List.of(), partFiles());
    }

    @Test
    void write_unequalChannelLengths_throwsShapeMismatchNamingChannel() throws IOException {
        Path in = input("ffmpeg");
        float[][] foa = {new float[10], new float[10], new float[9], new float[10]};
        ShapeMismatchException e = assertThrows(
                ShapeMismatchException.class, () -> SpatialMp4Writer.write(in, foa, 8000, tmp.resolve("out.mp4")));
        assertTrue(e.getMessage().contains("channel 2 has 9"), e.getMessage());
        assertTrue(e.getMessage().contains("channel 0 has 10"), e.getMessage());
    }

    @Test
    void write_nonFiniteSample_throwsNamingIndex() throws IOException {
        Path in = input("ffmpeg");
        float[][] foa = MediaTestFiles.foa(50, 8000, 1);
        foa[1][7] = Float.NaN;
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> SpatialMp4Writer.write(in, foa, 8000, tmp.resolve("out.mp4")));
        assertTrue(e.getMessage().contains("foa[1][7] is NaN"), e.getMessage());
    }

    @Test
    void write_sampleRateTooHighForSampleEntry_throws() throws IOException {
        Path in = input("ffmpeg");
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> SpatialMp4Writer.write(in, MediaTestFiles.foa(50, 96000, 1), 96000, tmp.resolve("o.mp4")));
        assertTrue(e.getMessage().contains("96000"), e.getMessage());
    }

    @Test
    void write_outputFolderMissing_throwsNamingFolder() throws IOException {
        Path in = input("ffmpeg");
        Path missing = tmp.resolve("no-such-dir");
        NoSuchFileException e = assertThrows(
                NoSuchFileException.class,
                () -> SpatialMp4Writer.write(in, MediaTestFiles.foa(50, 8000, 1), 8000, missing.resolve("o.mp4")));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("output folder does not exist"), e.getMessage());
        assertFalse(Files.exists(missing));
    }

    @Test
    void write_inputMissing_throwsNamingFile() {
        Path in = tmp.resolve("absent.mp4");
        NoSuchFileException e = assertThrows(
                NoSuchFileException.class,
                () -> SpatialMp4Writer.write(in, MediaTestFiles.foa(50, 8000, 1), 8000, tmp.resolve("o.mp4")));
        assertTrue(e.getMessage().contains(in.toString()), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("o.mp4")));
    }

    // ---- helpers -------------------------------------------------------------------------

    private List<Path> partFiles() throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".part")).toList();
        }
    }

    private static Mp4Box withoutOffsets(Mp4Box trak) {
        return trak.transform(b -> b.type().equals("stco") || b.type().equals("co64") ? null : b);
    }

    /** Raw (undecoded) video packets in file (decode) order, read by JCodec as an independent parser. */
    private static List<Packet> videoPackets(Path mp4) throws IOException {
        List<Packet> out = new ArrayList<>();
        try (SeekableByteChannel ch = NIOUtils.readableChannel(mp4.toFile())) {
            MP4Demuxer demuxer = MP4Demuxer.createRawMP4Demuxer(ch);
            DemuxerTrack track = demuxer.getVideoTrack();
            Packet p;
            while ((p = track.nextFrame()) != null) {
                ByteBuffer copy = ByteBuffer.allocate(p.getData().remaining())
                        .put(p.getData().duplicate())
                        .flip();
                out.add(Packet.createPacketWithData(p, copy));
            }
        }
        return out;
    }
}
