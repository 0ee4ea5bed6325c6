package io.visage.audio.foa;

/**
 * A channel order plus a normalisation: what a 4-channel FOA signal means.
 *
 * @param order channel order
 * @param normalization component scaling
 */
public record FoaFormat(ChannelOrder order, Normalization normalization) {
    /** ambiX: ACN order, SN3D (ViSAGe's files, YouTube spatial audio). */
    public static final FoaFormat AMBIX = new FoaFormat(ChannelOrder.ACN, Normalization.SN3D);
    /** Classic B-format: FuMa order and maxN scaling (W at −3 dB). */
    public static final FoaFormat FUMA = new FoaFormat(ChannelOrder.FUMA, Normalization.FUMA);

    public FoaFormat {
        if (order == null || normalization == null) {
            throw new IllegalArgumentException(
                    "FOA format needs an order and a normalization, got " + order + ", " + normalization);
        }
    }

    /** The channel index of a component. */
    public int index(Component c) {
        return order.indexOf(c);
    }
}
