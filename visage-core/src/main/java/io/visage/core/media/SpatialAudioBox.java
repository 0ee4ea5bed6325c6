package io.visage.core.media;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The spatial audio box {@code SA3D} of the spatial-media specification (Google's "Spatial Audio
 * RFC"), which marks an audio track's channels as an ambisonic sound field. It is a plain box
 * (no version/flags word) inside the sound sample entry. Wire layout after the 8-byte header, all
 * big-endian: {@code u8 version, u8 ambisonic_type, u32 ambisonic_order,
 * u8 ambisonic_channel_ordering, u8 ambisonic_normalization, u32 num_channels,
 * u32 channel_map[num_channels]}.
 *
 * @param version    box version; only 0 is defined
 * @param order      ambisonic order (1 for first-order ambisonics)
 * @param channelMap for each channel of the track, in track order, the ambisonic component (in
 *                   {@code ordering}) it carries; its size is {@code num_channels}
 */
public record SpatialAudioBox(
        int version,
        AmbisonicType type,
        long order,
        ChannelOrdering ordering,
        Normalization normalization,
        List<Integer> channelMap) {

    /** Box type. */
    public static final String TYPE = "SA3D";

    /** An enumeration whose constants have a fixed byte value in the box. */
    public interface WireValue {
        /** The value written in the box. */
        int code();
    }

    /** {@code ambisonic_type} values. */
    public enum AmbisonicType implements WireValue {
        /** Full-sphere (3D) sound field; wire value 0. The RFC spells it "periphonic". */
        PERIPHONIC(0);

        private final int code;

        AmbisonicType(int code) {
            this.code = code;
        }

        @Override
        public int code() {
            return code;
        }
    }

    /** {@code ambisonic_channel_ordering} values. */
    public enum ChannelOrdering implements WireValue {
        /** Ambisonic Channel Number, {@code n = l(l+1) + m}: W, Y, Z, X at first order; wire value 0. */
        ACN(0);

        private final int code;

        ChannelOrdering(int code) {
            this.code = code;
        }

        @Override
        public int code() {
            return code;
        }
    }

    /** {@code ambisonic_normalization} values. */
    public enum Normalization implements WireValue {
        /** Schmidt semi-normalisation; wire value 0. */
        SN3D(0);

        private final int code;

        Normalization(int code) {
            this.code = code;
        }

        @Override
        public int code() {
            return code;
        }
    }

    public SpatialAudioBox {
        if (version != 0) {
            throw new IllegalArgumentException("SA3D version must be 0 but was " + version);
        }
        if (type == null || ordering == null || normalization == null || channelMap == null) {
            throw new IllegalArgumentException("SA3D type, ordering, normalization and channelMap are required");
        }
        if (order < 0 || order > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException(
                    "SA3D ambisonic order must fit in an unsigned 32-bit field but was " + order);
        }
        if (channelMap.isEmpty()) {
            throw new IllegalArgumentException("SA3D channel map must list at least one channel");
        }
        channelMap = List.copyOf(channelMap);
        for (int i = 0; i < channelMap.size(); i++) {
            if (channelMap.get(i) < 0) {
                throw new IllegalArgumentException(
                        "SA3D channel map entry " + i + " must be non-negative but was " + channelMap.get(i));
            }
        }
    }

    /**
     * The box for ambiX first-order ambisonics as this library writes it: periphonic, order 1,
     * ACN, SN3D, 4 channels mapped identically ({@code 0, 1, 2, 3}: track channels W, Y, Z, X).
     */
    public static SpatialAudioBox firstOrderAmbix() {
        return new SpatialAudioBox(
                0, AmbisonicType.PERIPHONIC, 1, ChannelOrdering.ACN, Normalization.SN3D, List.of(0, 1, 2, 3));
    }

    /** {@code num_channels}: how many track channels the map covers. */
    public int numChannels() {
        return channelMap.size();
    }

    /** Number of ambisonic components of a full sound field of this order, {@code (order + 1)^2}. */
    public long componentCount() {
        return (order + 1) * (order + 1);
    }

    /** Serialises the whole box, header included ({@code 8 + 12 + 4 * numChannels} bytes). */
    public Mp4Box toBox() {
        ByteBuffer b = ByteBuffer.allocate(12 + 4 * channelMap.size());
        b.put((byte) version);
        b.put((byte) type.code());
        b.putInt((int) order);
        b.put((byte) ordering.code());
        b.put((byte) normalization.code());
        b.putInt(channelMap.size());
        for (int c : channelMap) {
            b.putInt(c);
        }
        return Mp4Box.leaf(TYPE, b.array());
    }

    /**
     * Parses the payload of an {@code SA3D} box.
     *
     * @param where box path for error messages, e.g. {@code "moov/trak[2]/.../sowt/SA3D"}
     * @throws Mp4FormatException if the payload is truncated, has trailing bytes, or uses a value
     *                            the specification does not define
     */
    public static SpatialAudioBox parse(Mp4Box box, Path file, String where) {
        if (!box.type().equals(TYPE)) {
            throw new IllegalArgumentException(where + ": expected an " + TYPE + " box but got '" + box.type() + "'");
        }
        ByteBuffer b = box.body();
        if (b.remaining() < 12) {
            throw new Mp4FormatException(
                    file, where + ": payload has " + b.remaining() + " bytes, the fixed fields need 12");
        }
        int version = b.get() & 0xFF;
        int type = b.get() & 0xFF;
        long order = Integer.toUnsignedLong(b.getInt());
        int ordering = b.get() & 0xFF;
        int normalization = b.get() & 0xFF;
        long channels = Integer.toUnsignedLong(b.getInt());
        if (version != 0) {
            throw new Mp4FormatException(file, where + ": version " + version + " is not defined (expected 0)");
        }
        if (b.remaining() != 4 * channels) {
            throw new Mp4FormatException(
                    file,
                    where + ": num_channels " + channels + " needs " + 4 * channels + " bytes of channel map but "
                            + b.remaining() + " follow");
        }
        List<Integer> map = new ArrayList<>();
        for (long i = 0; i < channels; i++) {
            long c = Integer.toUnsignedLong(b.getInt());
            if (c > Integer.MAX_VALUE) {
                throw new Mp4FormatException(file, where + ": channel_map[" + i + "] = " + c + " is out of range");
            }
            map.add((int) c);
        }
        if (map.isEmpty()) {
            throw new Mp4FormatException(file, where + ": num_channels is 0");
        }
        return new SpatialAudioBox(
                version,
                decode(AmbisonicType.values(), type, "ambisonic_type", file, where),
                order,
                decode(ChannelOrdering.values(), ordering, "ambisonic_channel_ordering", file, where),
                decode(Normalization.values(), normalization, "ambisonic_normalization", file, where),
                map);
    }

    private static <E extends Enum<E> & WireValue> E decode(
            E[] values, int code, String field, Path file, String where) {
        for (E e : values) {
            if (e.code() == code) {
                return e;
            }
        }
        throw new Mp4FormatException(
                file,
                where + ": " + field + " " + code + " is not defined by the spatial " + "audio specification (known: "
                        + java.util.Arrays.toString(values) + ")");
    }
}
