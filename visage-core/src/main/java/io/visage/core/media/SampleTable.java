package io.visage.core.media;

import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Where a track's samples live: the chunk layout decoded from a sample table ({@code stbl}) box:
 * sample sizes ({@code stsz}), samples per chunk ({@code stsc}), chunk offsets ({@code stco} or
 * {@code co64}) and decode-time deltas ({@code stts}). Chunks are 0-based here.
 */
final class SampleTable {
    final int sampleCount;
    /** Size of every sample when constant, else 0. */
    final int constantSampleSize;

    final long[] chunkOffsets;
    final int[] chunkSampleCounts;
    final int[] chunkFirstSample;
    /** Sum of the sample sizes in each chunk (with a constant size, count times that size). */
    final long[] chunkBytes;
    /** Decode timestamp of each chunk's first sample, in media timescale units. */
    final long[] chunkStartDts;

    private SampleTable(
            int sampleCount,
            int constantSampleSize,
            long[] chunkOffsets,
            int[] chunkSampleCounts,
            int[] chunkFirstSample,
            long[] chunkBytes,
            long[] chunkStartDts) {
        this.sampleCount = sampleCount;
        this.constantSampleSize = constantSampleSize;
        this.chunkOffsets = chunkOffsets;
        this.chunkSampleCounts = chunkSampleCounts;
        this.chunkFirstSample = chunkFirstSample;
        this.chunkBytes = chunkBytes;
        this.chunkStartDts = chunkStartDts;
    }

    int chunkCount() {
        return chunkOffsets.length;
    }

    static SampleTable parse(Mp4Box stbl, Path file, String where) {
        // stsz: sample sizes
        ByteBuffer stsz = require(stbl, "stsz", file, where);
        need(stsz, 12, file, where + "/stsz");
        stsz.position(4);
        int constant = stsz.getInt();
        int count = count(stsz.getInt(), file, where + "/stsz");
        int[] sizes = null;
        if (constant == 0) {
            need(stsz, 12 + 4L * count, file, where + "/stsz");
            sizes = new int[count];
            for (int i = 0; i < count; i++) {
                sizes[i] = stsz.getInt();
                if (sizes[i] < 0) {
                    throw new Mp4FormatException(
                            file,
                            where + "/stsz: sample " + i + " has size " + Integer.toUnsignedString(sizes[i])
                                    + " (over 2 GiB)");
                }
            }
        } else if (constant < 0) {
            throw new Mp4FormatException(
                    file,
                    where + "/stsz: constant sample size " + Integer.toUnsignedString(constant) + " is over 2 GiB");
        }

        // stco / co64: chunk offsets
        long[] offsets;
        if (stbl.child("stco").isPresent()) {
            ByteBuffer stco = require(stbl, "stco", file, where);
            need(stco, 8, file, where + "/stco");
            stco.position(4);
            int n = count(stco.getInt(), file, where + "/stco");
            need(stco, 8 + 4L * n, file, where + "/stco");
            offsets = new long[n];
            for (int i = 0; i < n; i++) {
                offsets[i] = Integer.toUnsignedLong(stco.getInt());
            }
        } else if (stbl.child("co64").isPresent()) {
            ByteBuffer co64 = require(stbl, "co64", file, where);
            need(co64, 8, file, where + "/co64");
            co64.position(4);
            int n = count(co64.getInt(), file, where + "/co64");
            need(co64, 8 + 8L * n, file, where + "/co64");
            offsets = new long[n];
            for (int i = 0; i < n; i++) {
                offsets[i] = co64.getLong();
            }
        } else {
            throw new Mp4FormatException(file, where + ": no chunk offset box (stco or co64)");
        }

        // stsc: runs of chunks with the same number of samples
        ByteBuffer stsc = require(stbl, "stsc", file, where);
        need(stsc, 8, file, where + "/stsc");
        stsc.position(4);
        int runs = count(stsc.getInt(), file, where + "/stsc");
        need(stsc, 8 + 12L * runs, file, where + "/stsc");
        long[] runFirst = new long[runs];
        long[] runSamples = new long[runs];
        for (int r = 0; r < runs; r++) {
            runFirst[r] = Integer.toUnsignedLong(stsc.getInt());
            runSamples[r] = Integer.toUnsignedLong(stsc.getInt());
            stsc.getInt(); // sample description index
            if (r == 0 ? runFirst[r] != 1 : runFirst[r] <= runFirst[r - 1]) {
                throw new Mp4FormatException(
                        file,
                        where + "/stsc: entry " + r + " starts at chunk " + runFirst[r]
                                + (r == 0
                                        ? ", expected 1"
                                        : ", not after the previous entry's chunk " + runFirst[r - 1]));
            }
        }
        int chunks = offsets.length;
        if (chunks > 0 && runs == 0) {
            throw new Mp4FormatException(file, where + "/stsc: no entries for " + chunks + " chunks");
        }
        int[] chunkSamples = new int[chunks];
        int[] chunkFirst = new int[chunks];
        long[] chunkBytes = new long[chunks];
        long sample = 0;
        int run = 0;
        for (int c = 0; c < chunks; c++) {
            while (run + 1 < runs && runFirst[run + 1] <= c + 1) {
                run++;
            }
            long inChunk = runSamples[run];
            if (sample + inChunk > count) {
                throw new Mp4FormatException(
                        file,
                        where + "/stsc: chunk " + (c + 1) + " would hold samples up to " + (sample + inChunk)
                                + " but stsz lists " + count);
            }
            chunkSamples[c] = (int) inChunk;
            chunkFirst[c] = (int) sample;
            long bytes = 0;
            if (sizes == null) {
                bytes = (long) constant * inChunk;
            } else {
                for (int s = 0; s < inChunk; s++) {
                    bytes += sizes[(int) sample + s];
                }
            }
            chunkBytes[c] = bytes;
            sample += inChunk;
        }
        if (sample != count) {
            throw new Mp4FormatException(
                    file,
                    where + ": stsc places " + sample + " samples in " + chunks + " chunks but stsz lists " + count);
        }
        return new SampleTable(
                count,
                constant,
                offsets,
                chunkSamples,
                chunkFirst,
                chunkBytes,
                chunkStartDts(stbl, chunkFirst, file, where));
    }

    /** Decode time of each chunk's first sample; a short {@code stts} repeats its last delta. */
    private static long[] chunkStartDts(Mp4Box stbl, int[] chunkFirst, Path file, String where) {
        ByteBuffer stts = require(stbl, "stts", file, where);
        need(stts, 8, file, where + "/stts");
        stts.position(4);
        int runs = count(stts.getInt(), file, where + "/stts");
        need(stts, 8 + 8L * runs, file, where + "/stts");
        long[] runCount = new long[runs];
        long[] runDelta = new long[runs];
        for (int r = 0; r < runs; r++) {
            runCount[r] = Integer.toUnsignedLong(stts.getInt());
            runDelta[r] = Integer.toUnsignedLong(stts.getInt());
        }
        long[] out = new long[chunkFirst.length];
        long dts = 0;
        long sample = 0;
        int run = 0;
        long usedInRun = 0;
        long lastDelta = runs > 0 ? runDelta[runs - 1] : 0;
        for (int c = 0; c < chunkFirst.length; c++) {
            long target = chunkFirst[c];
            while (sample < target) {
                if (run < runs) {
                    long step = Math.min(runCount[run] - usedInRun, target - sample);
                    dts += step * runDelta[run];
                    sample += step;
                    usedInRun += step;
                    if (usedInRun == runCount[run]) {
                        run++;
                        usedInRun = 0;
                    }
                } else {
                    dts += (target - sample) * lastDelta;
                    sample = target;
                }
            }
            out[c] = dts;
        }
        return out;
    }

    private static ByteBuffer require(Mp4Box stbl, String type, Path file, String where) {
        return stbl.child(type)
                .orElseThrow(() -> new Mp4FormatException(file, where + ": missing '" + type + "' box"))
                .body();
    }

    private static void need(ByteBuffer box, long bytes, Path file, String where) {
        if (box.capacity() < bytes) {
            throw new Mp4FormatException(
                    file, where + ": " + box.capacity() + " bytes, its entry count needs " + bytes);
        }
    }

    private static int count(int raw, Path file, String where) {
        if (raw < 0) {
            throw new Mp4FormatException(
                    file, where + ": entry count " + Integer.toUnsignedString(raw) + " is not supported (over 2^31)");
        }
        return raw;
    }
}
