package io.visage.core.media;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The parsed header of an MP4 file: its top-level box list and its {@code moov} tree (media data stays on disk). */
final class Mp4File {
    final Path path;
    final long fileSize;
    final List<Mp4Boxes.TopLevelBox> topLevel;
    /** The {@code ftyp} box, or null for old QuickTime files without one. */
    final Mp4Box ftyp;

    final Mp4Box moov;

    private Mp4File(Path path, long fileSize, List<Mp4Boxes.TopLevelBox> topLevel, Mp4Box ftyp, Mp4Box moov) {
        this.path = path;
        this.fileSize = fileSize;
        this.topLevel = topLevel;
        this.ftyp = ftyp;
        this.moov = moov;
    }

    /** One {@code trak} with the fields every caller needs. */
    record Track(
            int index,
            Mp4Box trak,
            int trackId,
            String handler,
            long timescale,
            long duration,
            Mp4Box stbl,
            List<Mp4Box> sampleEntries) {
        /** Path for error messages, e.g. {@code moov/trak[2]}. */
        String where() {
            return "moov/trak[" + index + "] (track " + trackId + ")";
        }
    }

    static Mp4File read(FileChannel ch, Path path) throws IOException {
        List<Mp4Boxes.TopLevelBox> top = Mp4Boxes.scanTopLevel(ch, path);
        Mp4Boxes.TopLevelBox moovAt = null;
        Mp4Boxes.TopLevelBox ftypAt = null;
        for (Mp4Boxes.TopLevelBox b : top) {
            if (b.type().equals("moov") && moovAt == null) {
                moovAt = b;
            } else if (b.type().equals("ftyp") && ftypAt == null) {
                ftypAt = b;
            }
        }
        if (moovAt == null) {
            throw new Mp4FormatException(
                    path,
                    "no 'moov' box (top-level boxes: "
                            + top.stream().map(Mp4Boxes.TopLevelBox::type).toList()
                            + "); the file is not an MP4 movie or its recording was cut off");
        }
        Mp4Box ftyp = ftypAt == null ? null : Mp4Boxes.readBox(ch, ftypAt, path);
        return new Mp4File(path, ch.size(), top, ftyp, Mp4Boxes.readBox(ch, moovAt, path));
    }

    List<Track> tracks() {
        List<Track> out = new ArrayList<>();
        List<Mp4Box> traks = moov.children("trak");
        for (int i = 0; i < traks.size(); i++) {
            Mp4Box trak = traks.get(i);
            String where = "moov/trak[" + (i + 1) + "]";
            ByteBuffer tkhd = body(trak, where, "tkhd");
            checkLength(tkhd, 4, where + "/tkhd");
            int idAt = tkhd.get(0) == 1 ? 20 : 12;
            checkLength(tkhd, idAt + 4, where + "/tkhd");
            int trackId = tkhd.getInt(idAt);
            ByteBuffer hdlr = body(trak, where, "mdia", "hdlr");
            checkLength(hdlr, 12, where + "/mdia/hdlr");
            hdlr.position(8);
            String handler = Mp4Boxes.fourcc(hdlr);
            ByteBuffer mdhd = body(trak, where, "mdia", "mdhd");
            long timescale;
            long duration;
            if (mdhd.get(0) == 1) {
                checkLength(mdhd, 32, where + "/mdia/mdhd");
                timescale = Integer.toUnsignedLong(mdhd.getInt(20));
                duration = mdhd.getLong(24);
            } else {
                checkLength(mdhd, 20, where + "/mdia/mdhd");
                timescale = Integer.toUnsignedLong(mdhd.getInt(12));
                duration = Integer.toUnsignedLong(mdhd.getInt(16));
            }
            Mp4Box stbl = trak.find("mdia", "minf", "stbl")
                    .orElseThrow(() -> new Mp4FormatException(path, where + ": missing mdia/minf/stbl"));
            Mp4Box stsd = stbl.child("stsd")
                    .orElseThrow(() -> new Mp4FormatException(path, where + "/mdia/minf/stbl: missing 'stsd'"));
            out.add(new Track(i + 1, trak, trackId, handler, timescale, duration, stbl, stsd.children()));
        }
        return out;
    }

    private ByteBuffer body(Mp4Box from, String where, String... path) {
        return from.find(path)
                .orElseThrow(
                        () -> new Mp4FormatException(this.path, where + ": missing '" + String.join("/", path) + "'"))
                .body();
    }

    private void checkLength(ByteBuffer b, int needed, String where) {
        if (b.capacity() < needed) {
            throw new Mp4FormatException(path, where + ": " + b.capacity() + " bytes, expected at least " + needed);
        }
    }
}
