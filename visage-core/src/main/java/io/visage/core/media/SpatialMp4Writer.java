package io.visage.core.media;

import io.visage.nn.ShapeMismatchException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a "spatial MP4": the video track of an input MP4, copied without re-encoding, plus the
 * generated first-order ambisonics as a 4-channel 16-bit PCM ({@code sowt}) audio track whose
 * sample entry carries the {@code SA3D} spatial-audio box (periphonic, order 1, ACN, SN3D, channel
 * map 0..3), which is what players that render ambisonics (and ffmpeg, as an "ambisonic 1"
 * layout) look for.
 *
 * <p>The copy works on the box level: the video {@code trak} is kept byte for byte (sample
 * description, decode/composition times, sync samples, edit list) except for its chunk offsets,
 * which are rewritten for the new layout; its coded samples are copied chunk by chunk in decode
 * order. Every other track of the input (its audio, subtitles, timecode...) is <b>dropped</b>, as
 * are the {@code iods} box and the video track's {@code tref} references, which could name dropped
 * tracks. The output puts {@code moov} before {@code mdat} (progressive playback) and interleaves
 * video and audio chunks by time (one-second audio chunks).
 *
 * <p>Samples are clamped to {@code [-1, 1]} and quantised to {@code round(x * 32767)}. The output
 * is first written to a temporary file next to {@code outMp4} and moved into place only when
 * complete; on any failure no output and no temporary file remain.
 */
public final class SpatialMp4Writer {
    /** FOA channels, ambiX order W, Y, Z, X. */
    public static final int CHANNELS = 4;
    /** Bytes per PCM sample (16-bit). */
    private static final int BYTES_PER_SAMPLE = 2;

    private static final int FRAME_BYTES = CHANNELS * BYTES_PER_SAMPLE;
    private static final long MAX_32 = 0xFFFF_FFFFL;

    private SpatialMp4Writer() {}

    /**
     * What was written.
     *
     * @param video          the copied video track as written
     * @param audio          the new spatial audio track
     * @param dropped        tracks of the input that were not copied
     * @param clippedSamples FOA samples outside {@code [-1, 1]} that were clamped
     */
    public record Result(Path output, Mp4Track video, Mp4Track audio, List<Mp4Track> dropped, long clippedSamples) {}

    /**
     * Whether {@code file} starts like an ISO base media file (MP4/MOV: a first box of type
     * {@code ftyp}, {@code moov}, {@code mdat}, {@code free}, {@code skip}, {@code wide} or
     * {@code pnot}), the only inputs {@link #write} can take its video track from. A cheap probe of
     * the first 8 bytes, for failing before a long generation; false for unreadable files.
     */
    public static boolean isIsoMedia(Path file) {
        byte[] head = new byte[8];
        try (var in = Files.newInputStream(file)) {
            if (in.readNBytes(head, 0, 8) < 8) {
                return false;
            }
        } catch (IOException e) {
            return false;
        }
        String type = new String(head, 4, 4, StandardCharsets.ISO_8859_1);
        return List.of("ftyp", "moov", "mdat", "free", "skip", "wide", "pnot").contains(type);
    }

    /**
     * Writes {@code outMp4}: the first video track of {@code inputVideoMp4} plus {@code foa} as a
     * spatial audio track.
     *
     * @param inputVideoMp4 an MP4/MOV file with at least one video track (any audio is dropped)
     * @param foa           {@code [4][N]} ambiX FOA (W, Y, Z, X; ACN/SN3D), nominally in [-1, 1]
     * @param sampleRate    Hz, 1..65535 (the limit of the sound sample entry's 16.16 rate field)
     * @param outMp4        output file; its folder must exist; an existing file is replaced
     * @throws ShapeMismatchException   if {@code foa} is not 4 equally long, non-empty channels
     * @throws IllegalArgumentException for a bad sample rate or non-finite samples
     * @throws Mp4FormatException       if the input is not a usable MP4 or has no video track
     * @throws NoSuchFileException      if the input file or the output folder does not exist
     */
    public static Result write(Path inputVideoMp4, float[][] foa, int sampleRate, Path outMp4) throws IOException {
        long frames = checkFoa(foa);
        if (sampleRate < 1 || sampleRate > 0xFFFF) {
            throw new IllegalArgumentException("sampleRate must be 1..65535 Hz (16.16 field of the sound sample "
                    + "entry) but was " + sampleRate);
        }
        Path out = outMp4.toAbsolutePath();
        Path dir = out.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new NoSuchFileException(String.valueOf(dir), null, "output folder does not exist (for " + out + ")");
        }
        if (!Files.isRegularFile(inputVideoMp4)) {
            throw new NoSuchFileException(inputVideoMp4.toString(), null, "input video does not exist");
        }
        // a plain sibling (not createTempFile, whose 0600 mode would stick to the final file)
        Path tmp = dir.resolve(
                "." + out.getFileName() + "." + ProcessHandle.current().pid() + ".part");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp);
        boolean done = false;
        try {
            Result r = writeTo(inputVideoMp4, foa, frames, sampleRate, tmp, out);
            try {
                Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING);
            }
            done = true;
            return r;
        } finally {
            if (!done) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    private static long checkFoa(float[][] foa) {
        if (foa == null) {
            throw new IllegalArgumentException("foa must not be null");
        }
        if (foa.length != CHANNELS) {
            throw new ShapeMismatchException(
                    "foa: expected " + CHANNELS + " channels (ambiX W, Y, Z, X) but found " + foa.length);
        }
        for (int c = 0; c < CHANNELS; c++) {
            if (foa[c] == null) {
                throw new IllegalArgumentException("foa[" + c + "] must not be null");
            }
            if (foa[c].length != foa[0].length) {
                throw new ShapeMismatchException("foa: channels must have equal lengths but channel 0 has "
                        + foa[0].length + " samples and channel " + c + " has " + foa[c].length);
            }
        }
        if (foa[0].length == 0) {
            throw new ShapeMismatchException("foa: expected at least 1 sample per channel but found 0");
        }
        for (int c = 0; c < CHANNELS; c++) {
            for (int i = 0; i < foa[c].length; i++) {
                if (!Float.isFinite(foa[c][i])) {
                    throw new IllegalArgumentException(
                            "foa[" + c + "][" + i + "] is " + foa[c][i] + "; samples must be finite");
                }
            }
        }
        return foa[0].length;
    }

    /** A piece of {@code mdat}: a chunk of the input's video or of the new audio. */
    private record Piece(boolean video, int chunk, double startSeconds, long bytes) {}

    private static Result writeTo(Path input, float[][] foa, long frames, int sampleRate, Path tmp, Path out)
            throws IOException {
        try (FileChannel in = FileChannel.open(input, StandardOpenOption.READ)) {
            Mp4File src = Mp4File.read(in, input);
            if (src.moov.child("mvex").isPresent()) {
                throw new Mp4FormatException(
                        input, "fragmented MP4 (moov/mvex) is not supported; " + "remux it to a plain MP4 first");
            }
            List<Mp4File.Track> tracks = src.tracks();
            Mp4File.Track video = tracks.stream()
                    .filter(t -> t.handler().equals("vide"))
                    .findFirst()
                    .orElseThrow(() -> new Mp4FormatException(
                            input,
                            "no video track (handler 'vide'); tracks: "
                                    + tracks.stream()
                                            .map(t -> "'" + t.handler() + "'")
                                            .toList()));
            checkSelfContained(video, input);
            SampleTable vt = SampleTable.parse(video.stbl(), input, video.where() + "/mdia/minf/stbl");
            for (int c = 0; c < vt.chunkCount(); c++) {
                if (vt.chunkOffsets[c] + vt.chunkBytes[c] > src.fileSize) {
                    throw new Mp4FormatException(
                            input,
                            video.where() + ": chunk " + (c + 1) + " at offset "
                                    + vt.chunkOffsets[c] + " with " + vt.chunkBytes[c]
                                    + " bytes runs past the end of the"
                                    + " file (" + src.fileSize + " bytes)");
                }
            }
            List<Mp4Track> dropped = new ArrayList<>();
            for (Mp4File.Track t : tracks) {
                if (t != video) {
                    dropped.add(SpatialMp4Reader.describe(t, input));
                }
            }

            // mdat layout: video chunks and one-second audio chunks, ordered by start time
            int audioChunkFrames = sampleRate;
            int audioChunks = (int) ((frames + audioChunkFrames - 1) / audioChunkFrames);
            List<Piece> pieces = new ArrayList<>();
            double videoTimescale = video.timescale() == 0 ? 1 : video.timescale();
            int a = 0;
            for (int v = 0; v <= vt.chunkCount(); v++) {
                double vStart = v < vt.chunkCount() ? vt.chunkStartDts[v] / videoTimescale : Double.POSITIVE_INFINITY;
                while (a < audioChunks && (double) a * audioChunkFrames / sampleRate < vStart) {
                    long n = Math.min(audioChunkFrames, frames - (long) a * audioChunkFrames);
                    pieces.add(new Piece(false, a, (double) a * audioChunkFrames / sampleRate, n * FRAME_BYTES));
                    a++;
                }
                if (v < vt.chunkCount()) {
                    pieces.add(new Piece(true, v, vStart, vt.chunkBytes[v]));
                }
            }
            long payload = 0;
            for (Piece p : pieces) {
                payload += p.bytes();
            }
            int mdatHeader = payload + 8 <= MAX_32 ? 8 : 16;
            Mp4Box ftyp = src.ftyp != null ? src.ftyp : defaultFtyp();
            int audioTrackId = video.trackId() + 1;

            long[] videoOffsets = new long[vt.chunkCount()];
            long[] audioOffsets = new long[audioChunks];
            boolean use64 = false;
            Mp4Box moov = buildMoov(
                    src, video, audioTrackId, frames, sampleRate, audioChunkFrames, videoOffsets, audioOffsets, use64);
            long dataStart = ftyp.size() + moov.size() + mdatHeader;
            if (dataStart + payload > MAX_32) {
                use64 = true;
                moov = buildMoov(
                        src,
                        video,
                        audioTrackId,
                        frames,
                        sampleRate,
                        audioChunkFrames,
                        videoOffsets,
                        audioOffsets,
                        true);
                dataStart = ftyp.size() + moov.size() + mdatHeader;
            }
            long pos = dataStart;
            for (Piece p : pieces) {
                (p.video() ? videoOffsets : audioOffsets)[p.chunk()] = pos;
                pos += p.bytes();
            }
            long placeholderSize = moov.size();
            moov = buildMoov(
                    src, video, audioTrackId, frames, sampleRate, audioChunkFrames, videoOffsets, audioOffsets, use64);
            if (moov.size() != placeholderSize) {
                throw new IllegalStateException("moov size changed from " + placeholderSize + " to " + moov.size()
                        + " when chunk offsets were filled in");
            }

            try (FileChannel w =
                    FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                writeAll(w, ByteBuffer.wrap(ftyp.toBytes()));
                writeAll(w, ByteBuffer.wrap(moov.toBytes()));
                ByteBuffer mh = ByteBuffer.allocate(mdatHeader);
                if (mdatHeader == 8) {
                    mh.putInt((int) (payload + 8)).put("mdat".getBytes(StandardCharsets.ISO_8859_1));
                } else {
                    mh.putInt(1)
                            .put("mdat".getBytes(StandardCharsets.ISO_8859_1))
                            .putLong(payload + 16);
                }
                writeAll(w, mh.flip());
                ByteBuffer audioBuf =
                        ByteBuffer.allocate(audioChunkFrames * FRAME_BYTES).order(ByteOrder.LITTLE_ENDIAN);
                long clipped = 0;
                for (Piece p : pieces) {
                    long at = w.position();
                    long expected = (p.video() ? videoOffsets : audioOffsets)[p.chunk()];
                    if (at != expected) {
                        throw new IllegalStateException("chunk written at " + at + " but its offset says " + expected);
                    }
                    if (p.video()) {
                        copyRange(in, vt.chunkOffsets[p.chunk()], p.bytes(), w, input);
                    } else {
                        clipped += fillAudio(audioBuf.clear(), foa, (long) p.chunk() * audioChunkFrames, (int)
                                (p.bytes() / FRAME_BYTES));
                        writeAll(w, audioBuf.flip());
                    }
                }
                if (w.position() != dataStart + payload) {
                    throw new IllegalStateException(
                            "wrote " + w.position() + " bytes, expected " + (dataStart + payload));
                }
                w.force(true);
                Mp4Track videoOut = SpatialMp4Reader.describe(video, input);
                Mp4Track audioOut = new Mp4Track(
                        audioTrackId,
                        Mp4Track.Kind.AUDIO,
                        "soun",
                        "sowt",
                        CHANNELS,
                        sampleRate,
                        0,
                        0,
                        frames,
                        sampleRate,
                        frames);
                return new Result(out, videoOut, audioOut, List.copyOf(dropped), clipped);
            }
        }
    }

    /** Quantises {@code n} frames starting at {@code from} into interleaved little-endian 16-bit PCM. */
    private static long fillAudio(ByteBuffer buf, float[][] foa, long from, int n) {
        long clipped = 0;
        int start = (int) from;
        for (int i = start; i < start + n; i++) {
            for (int c = 0; c < CHANNELS; c++) {
                float x = foa[c][i];
                if (x > 1f || x < -1f) {
                    clipped++;
                    x = Math.max(-1f, Math.min(1f, x));
                }
                buf.putShort((short) Math.round(x * 32767f));
            }
        }
        return clipped;
    }

    private static Mp4Box buildMoov(
            Mp4File src,
            Mp4File.Track video,
            int audioTrackId,
            long frames,
            int sampleRate,
            int audioChunkFrames,
            long[] videoOffsets,
            long[] audioOffsets,
            boolean use64) {
        Mp4Box mvhdIn =
                src.moov.child("mvhd").orElseThrow(() -> new Mp4FormatException(src.path, "moov: missing 'mvhd'"));
        ByteBuffer mvhd = ByteBuffer.wrap(mvhdIn.bodyBytes());
        boolean v1 = mvhd.get(0) == 1;
        if (mvhd.capacity() < (v1 ? 112 : 100)) {
            throw new Mp4FormatException(
                    src.path, "moov/mvhd: " + mvhd.capacity() + " bytes, expected " + (v1 ? 112 : 100));
        }
        long movieTimescale = Integer.toUnsignedLong(mvhd.getInt(v1 ? 20 : 12));
        if (movieTimescale == 0) {
            throw new Mp4FormatException(src.path, "moov/mvhd: movie timescale is 0");
        }
        long audioMovieDuration = (frames * movieTimescale + sampleRate - 1) / sampleRate;
        long movieDuration = Math.max(videoMovieDuration(video, src.path), audioMovieDuration);
        if (v1) {
            mvhd.putLong(24, movieDuration);
        } else {
            if (movieDuration > MAX_32) {
                throw new Mp4FormatException(src.path, "moov/mvhd: version 0 cannot hold duration " + movieDuration);
            }
            mvhd.putInt(16, (int) movieDuration);
        }
        mvhd.putInt(mvhd.capacity() - 4, audioTrackId + 1); // next_track_ID

        Mp4Box videoTrak = video.trak().transform(b -> switch (b.type()) {
            case "stco", "co64" -> chunkOffsets(videoOffsets, use64);
            case "tref" -> null;
            default -> b;
        });
        Mp4Box audioTrak =
                audioTrak(audioTrackId, frames, sampleRate, audioChunkFrames, audioMovieDuration, audioOffsets, use64);

        List<Mp4Box> children = new ArrayList<>();
        for (Mp4Box b : src.moov.children()) {
            switch (b.type()) {
                case "mvhd" -> children.add(Mp4Box.leaf("mvhd", mvhd.array()));
                case "trak" -> {
                    if (b == video.trak()) {
                        children.add(videoTrak);
                        children.add(audioTrak);
                    }
                }
                case "iods" -> {} // may reference dropped tracks
                default -> children.add(b);
            }
        }
        return src.moov.withChildren(children);
    }

    private static long videoMovieDuration(Mp4File.Track video, Path file) {
        ByteBuffer tkhd = video.trak().child("tkhd").orElseThrow().body();
        boolean v1 = tkhd.get(0) == 1;
        if (tkhd.capacity() < (v1 ? 36 : 24)) {
            throw new Mp4FormatException(file, video.where() + "/tkhd: " + tkhd.capacity() + " bytes, too short");
        }
        return v1 ? tkhd.getLong(28) : Integer.toUnsignedLong(tkhd.getInt(20));
    }

    private static Mp4Box chunkOffsets(long[] offsets, boolean use64) {
        ByteBuffer b = ByteBuffer.allocate(8 + (use64 ? 8 : 4) * offsets.length);
        b.putInt(0).putInt(offsets.length);
        for (long o : offsets) {
            if (use64) {
                b.putLong(o);
            } else {
                b.putInt((int) o);
            }
        }
        return Mp4Box.leaf(use64 ? "co64" : "stco", b.array());
    }

    private static Mp4Box audioTrak(
            int trackId,
            long frames,
            int sampleRate,
            int chunkFrames,
            long movieDuration,
            long[] offsets,
            boolean use64) {
        if (frames > MAX_32 || movieDuration > MAX_32) {
            throw new IllegalArgumentException("foa: " + frames + " samples are too long for a version-0 track header");
        }
        ByteBuffer tkhd = ByteBuffer.allocate(84);
        tkhd.putInt(0x0000_0003); // version 0, flags: enabled | in movie
        tkhd.putInt(0).putInt(0); // creation, modification time
        tkhd.putInt(trackId).putInt(0);
        tkhd.putInt((int) movieDuration);
        tkhd.putLong(0); // reserved
        tkhd.putShort((short) 0).putShort((short) 0); // layer, alternate group
        tkhd.putShort((short) 0x0100).putShort((short) 0); // volume 1.0, reserved
        putIdentityMatrix(tkhd);
        tkhd.putInt(0).putInt(0); // width, height

        ByteBuffer mdhd = ByteBuffer.allocate(24);
        mdhd.putInt(0).putInt(0).putInt(0);
        mdhd.putInt(sampleRate).putInt((int) frames);
        mdhd.putShort((short) 0x55C4); // ISO-639-2 "und", 5 bits per letter
        mdhd.putShort((short) 0);

        byte[] name = "visage4j spatial audio (ambiX FOA)\0".getBytes(StandardCharsets.UTF_8);
        ByteBuffer hdlr = ByteBuffer.allocate(24 + name.length);
        hdlr.putInt(0)
                .putInt(0)
                .put("soun".getBytes(StandardCharsets.ISO_8859_1))
                .putInt(0)
                .putInt(0)
                .putInt(0);
        hdlr.put(name);

        ByteBuffer smhd = ByteBuffer.allocate(8); // version/flags, balance 0, reserved

        ByteBuffer dref = ByteBuffer.allocate(8 + 12);
        dref.putInt(0)
                .putInt(1)
                .putInt(12)
                .put("url ".getBytes(StandardCharsets.ISO_8859_1))
                .putInt(1);

        Mp4Box stbl = Mp4Box.container(
                "stbl",
                new byte[0],
                List.of(
                        Mp4Box.container("stsd", new byte[] {0, 0, 0, 0, 0, 0, 0, 1}, List.of(soundEntry(sampleRate))),
                        timeToSample(frames),
                        sampleToChunk(frames, chunkFrames),
                        Mp4Box.leaf(
                                "stsz",
                                ByteBuffer.allocate(12)
                                        .putInt(0)
                                        .putInt(FRAME_BYTES)
                                        .putInt((int) frames)
                                        .array()),
                        chunkOffsets(offsets, use64)));
        Mp4Box minf = Mp4Box.container(
                "minf",
                new byte[0],
                List.of(
                        Mp4Box.leaf("smhd", smhd.array()),
                        Mp4Box.container("dinf", new byte[0], List.of(Mp4Box.leaf("dref", dref.array()))),
                        stbl));
        Mp4Box mdia = Mp4Box.container(
                "mdia",
                new byte[0],
                List.of(Mp4Box.leaf("mdhd", mdhd.array()), Mp4Box.leaf("hdlr", hdlr.array()), minf));
        return Mp4Box.container("trak", new byte[0], List.of(Mp4Box.leaf("tkhd", tkhd.array()), mdia));
    }

    /** Version-0 sound sample entry for interleaved 16-bit little-endian PCM with the SA3D box as its child. */
    private static Mp4Box soundEntry(int sampleRate) {
        Mp4Box sa3d = SpatialAudioBox.firstOrderAmbix().toBox();
        ByteBuffer e = ByteBuffer.allocate(28 + (int) sa3d.size());
        e.put(new byte[6]).putShort((short) 1); // reserved, data_reference_index
        e.putShort((short) 0).putShort((short) 0).putInt(0); // version 0, revision, vendor
        e.putShort((short) CHANNELS).putShort((short) (8 * BYTES_PER_SAMPLE));
        e.putShort((short) 0).putShort((short) 0); // compression id, packet size
        e.putInt(sampleRate << 16); // 16.16 fixed point
        sa3d.writeTo(e);
        return Mp4Box.leaf("sowt", e.array());
    }

    private static Mp4Box timeToSample(long frames) {
        return Mp4Box.leaf(
                "stts",
                ByteBuffer.allocate(16)
                        .putInt(0)
                        .putInt(1)
                        .putInt((int) frames)
                        .putInt(1)
                        .array());
    }

    private static Mp4Box sampleToChunk(long frames, int chunkFrames) {
        long chunks = (frames + chunkFrames - 1) / chunkFrames;
        int last = (int) (frames - (chunks - 1) * chunkFrames);
        boolean tail = chunks > 1 && last != chunkFrames;
        ByteBuffer b = ByteBuffer.allocate(8 + 12 * (tail ? 2 : 1));
        b.putInt(0).putInt(tail ? 2 : 1);
        b.putInt(1).putInt(chunks == 1 ? last : chunkFrames).putInt(1);
        if (tail) {
            b.putInt((int) chunks).putInt(last).putInt(1);
        }
        return Mp4Box.leaf("stsc", b.array());
    }

    private static void putIdentityMatrix(ByteBuffer b) {
        int[] m = {0x0001_0000, 0, 0, 0, 0x0001_0000, 0, 0, 0, 0x4000_0000};
        for (int v : m) {
            b.putInt(v);
        }
    }

    private static Mp4Box defaultFtyp() {
        ByteBuffer b = ByteBuffer.allocate(8 + 4 * 4);
        b.put("isom".getBytes(StandardCharsets.ISO_8859_1)).putInt(0x200);
        for (String brand : new String[] {"isom", "iso2", "avc1", "mp41"}) {
            b.put(brand.getBytes(StandardCharsets.ISO_8859_1));
        }
        return Mp4Box.leaf("ftyp", b.array());
    }

    /** Refuses a video track whose data references point outside the file. */
    private static void checkSelfContained(Mp4File.Track video, Path file) {
        Mp4Box dref = video.trak().find("mdia", "minf", "dinf", "dref").orElse(null);
        if (dref == null) {
            return;
        }
        ByteBuffer body = dref.body();
        if (body.capacity() < 8) {
            throw new Mp4FormatException(
                    file, video.where() + "/mdia/minf/dinf/dref: " + body.capacity() + " bytes, expected at least 8");
        }
        body.position(8);
        for (Mp4Box entry : Mp4Boxes.parseChildren(body.slice(), file, video.where() + "/mdia/minf/dinf/dref")) {
            ByteBuffer e = entry.body();
            if (e.capacity() < 4 || (e.getInt(0) & 1) == 0) {
                throw new Mp4FormatException(
                        file,
                        video.where() + ": data reference '" + entry.type()
                                + "' points to another file; only self-contained MP4s can be copied");
            }
        }
    }

    private static void copyRange(FileChannel in, long offset, long bytes, FileChannel out, Path input)
            throws IOException {
        long done = 0;
        while (done < bytes) {
            long n = in.transferTo(offset + done, bytes - done, out);
            if (n <= 0) {
                throw new IOException(
                        input + ": could not read " + (bytes - done) + " bytes at offset " + (offset + done));
            }
            done += n;
        }
    }

    private static void writeAll(FileChannel w, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            w.write(b);
        }
    }
}
