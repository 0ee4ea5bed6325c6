package io.visage.core.media;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads back what {@link SpatialMp4Writer} writes, and inspects any MP4: the spatial audio
 * ({@code SA3D}) metadata, the list of tracks, and 16-bit PCM audio samples.
 */
public final class SpatialMp4Reader {
    private SpatialMp4Reader() {}

    /**
     * The spatial-audio box of the first audio track that carries one.
     *
     * @return empty when no audio sample entry has an {@code SA3D} box
     * @throws Mp4FormatException if the file is not a well-formed MP4 or the box is malformed
     */
    public static Optional<SpatialAudioBox> readSpatialAudio(Path mp4) throws IOException {
        Mp4File file = open(mp4);
        for (Mp4File.Track t : file.tracks()) {
            if (!t.handler().equals("soun")) {
                continue;
            }
            for (Mp4Box entry : t.sampleEntries()) {
                String where = t.where() + "/mdia/minf/stbl/stsd/" + entry.type();
                for (Mp4Box child : Mp4Boxes.soundEntryChildren(entry, mp4, where)) {
                    if (child.type().equals(SpatialAudioBox.TYPE)) {
                        return Optional.of(SpatialAudioBox.parse(child, mp4, where + "/" + SpatialAudioBox.TYPE));
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** Lists every track in file order. */
    public static List<Mp4Track> listTracks(Path mp4) throws IOException {
        Mp4File file = open(mp4);
        List<Mp4Track> out = new ArrayList<>();
        for (Mp4File.Track t : file.tracks()) {
            out.add(describe(t, mp4));
        }
        return out;
    }

    /**
     * Interleaved 16-bit PCM decoded to floats ({@code s / 32767}) from the first audio track,
     * which must be {@code sowt} (little-endian) or {@code twos} (big-endian) 16-bit PCM.
     *
     * @return the sample rate and {@code samples [C][N]}
     * @throws Mp4FormatException if there is no audio track or it holds another encoding
     */
    public static PcmAudio readPcm(Path mp4) throws IOException {
        try (FileChannel ch = FileChannel.open(mp4, StandardOpenOption.READ)) {
            Mp4File file = Mp4File.read(ch, mp4);
            Mp4File.Track audio = file.tracks().stream()
                    .filter(t -> t.handler().equals("soun"))
                    .findFirst()
                    .orElseThrow(() -> new Mp4FormatException(mp4, "no audio track (handler 'soun')"));
            Mp4Track info = describe(audio, mp4);
            String codec = info.codec();
            ByteOrder order = switch (codec) {
                case "sowt" -> ByteOrder.LITTLE_ENDIAN;
                case "twos" -> ByteOrder.BIG_ENDIAN;
                default ->
                    throw new Mp4FormatException(
                            mp4,
                            audio.where() + ": audio codec '" + codec
                                    + "' is not 16-bit PCM (expected 'sowt' or 'twos')");
            };
            int bits = audio.sampleEntries().get(0).body().getShort(18);
            if (bits != 16) {
                throw new Mp4FormatException(
                        mp4, audio.where() + ": '" + codec + "' sample size is " + bits + " bits, expected 16");
            }
            int channels = info.channels();
            if (channels < 1) {
                throw new Mp4FormatException(mp4, audio.where() + ": sample entry declares " + channels + " channels");
            }
            int frameBytes = 2 * channels;
            SampleTable table = SampleTable.parse(audio.stbl(), mp4, audio.where() + "/mdia/minf/stbl");
            long frames = table.sampleCount;
            if (frames > Integer.MAX_VALUE) {
                throw new Mp4FormatException(mp4, audio.where() + ": " + frames + " frames do not fit in a Java array");
            }
            float[][] out = new float[channels][(int) frames];
            int frame = 0;
            for (int c = 0; c < table.chunkCount(); c++) {
                long bytes = (long) table.chunkSampleCounts[c] * frameBytes;
                if (table.constantSampleSize != 0
                        && table.constantSampleSize != 1
                        && table.constantSampleSize != frameBytes) {
                    throw new Mp4FormatException(
                            mp4,
                            audio.where() + "/stsz: sample size " + table.constantSampleSize
                                    + " is neither 1 nor the frame size " + frameBytes);
                }
                if (table.constantSampleSize == 0 && table.chunkBytes[c] != bytes) {
                    throw new Mp4FormatException(
                            mp4,
                            audio.where() + ": chunk " + (c + 1) + " holds "
                                    + table.chunkBytes[c] + " bytes for " + table.chunkSampleCounts[c] + " frames of "
                                    + frameBytes + " bytes");
                }
                long offset = table.chunkOffsets[c];
                if (offset + bytes > file.fileSize) {
                    throw new Mp4FormatException(
                            mp4,
                            audio.where() + ": chunk " + (c + 1) + " at offset " + offset + " with " + bytes
                                    + " bytes runs past the end of the file (" + file.fileSize + " bytes)");
                }
                ByteBuffer buf = ByteBuffer.allocate((int) bytes).order(order);
                Mp4Boxes.readFully(ch, buf, offset);
                buf.flip();
                for (int f = 0; f < table.chunkSampleCounts[c]; f++, frame++) {
                    for (int k = 0; k < channels; k++) {
                        out[k][frame] = buf.getShort() / 32767f;
                    }
                }
            }
            return new PcmAudio(info.sampleRateHz(), out);
        }
    }

    /**
     * Decoded PCM audio.
     *
     * @param samples {@code [C][N]}, nominally in {@code [-1, 1]}
     */
    public record PcmAudio(int sampleRateHz, float[][] samples) {
        public int channels() {
            return samples.length;
        }

        public int frames() {
            return samples.length == 0 ? 0 : samples[0].length;
        }
    }

    static Mp4File open(Path mp4) throws IOException {
        try (FileChannel ch = FileChannel.open(mp4, StandardOpenOption.READ)) {
            return Mp4File.read(ch, mp4);
        }
    }

    static Mp4Track describe(Mp4File.Track t, Path mp4) {
        Mp4Track.Kind kind = switch (t.handler()) {
            case "vide" -> Mp4Track.Kind.VIDEO;
            case "soun" -> Mp4Track.Kind.AUDIO;
            default -> Mp4Track.Kind.OTHER;
        };
        String codec =
                t.sampleEntries().isEmpty() ? "" : t.sampleEntries().get(0).type();
        int channels = 0;
        int rate = 0;
        int width = 0;
        int height = 0;
        if (!t.sampleEntries().isEmpty()) {
            ByteBuffer e = t.sampleEntries().get(0).body();
            String where = t.where() + "/mdia/minf/stbl/stsd/" + codec;
            if (kind == Mp4Track.Kind.AUDIO) {
                if (e.capacity() < 28) {
                    throw new Mp4FormatException(
                            mp4, where + ": sound sample entry has " + e.capacity() + " bytes, expected at least 28");
                }
                int version = e.getShort(8) & 0xFFFF;
                if (version == 2) {
                    if (e.capacity() < 64) {
                        throw new Mp4FormatException(
                                mp4,
                                where + ": version 2 sound sample entry has " + e.capacity() + " bytes, expected 64");
                    }
                    rate = (int) Math.round(e.getDouble(32));
                    channels = e.getInt(40);
                } else {
                    channels = e.getShort(16) & 0xFFFF;
                    rate = e.getInt(24) >>> 16;
                }
            } else if (kind == Mp4Track.Kind.VIDEO && e.capacity() >= 28) {
                width = e.getShort(24) & 0xFFFF;
                height = e.getShort(26) & 0xFFFF;
            }
        }
        long samples = 0;
        Optional<Mp4Box> stsz = t.stbl().child("stsz");
        if (stsz.isPresent() && stsz.get().body().capacity() >= 12) {
            samples = Integer.toUnsignedLong(stsz.get().body().getInt(8));
        }
        return new Mp4Track(
                t.trackId(),
                kind,
                t.handler(),
                codec,
                channels,
                rate,
                width,
                height,
                samples,
                t.timescale(),
                t.duration());
    }
}
