package io.visage.core.clip;

import io.visage.core.video.RgbImage;
import io.visage.nn.ShapeMismatchException;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Image preprocessing for CLIP, in two flavours:
 * <ul>
 *   <li>{@link #clipTransform}: CLIP's own {@code preprocess} for still images — PIL bicubic
 *       resize of the short side ({@link PilBicubic}), centre crop with Python's round-half-even
 *       offsets, {@code ToTensor}, {@code Normalize};</li>
 *   <li>{@link #normalizeFrames}: ViSAGe's video path — frames already scaled and cropped by the
 *       frame sampler, only {@code x / 255} then {@code Normalize}.</li>
 * </ul>
 * Arithmetic is float32 in the reference's order ({@code (x/255 − mean)/std}), so results are
 * bit-identical to torch's.
 */
public final class ClipPreprocess {
    /** CLIP's per-channel mean (R, G, B). */
    public static final List<Double> MEAN = List.of(0.48145466, 0.4578275, 0.40821073);
    /** CLIP's per-channel standard deviation (R, G, B). */
    public static final List<Double> STD = List.of(0.26862954, 0.26130258, 0.27577711);

    private ClipPreprocess() {}

    /**
     * torchvision {@code Resize(size)} on a PIL image: the short side becomes {@code size}, the long
     * side {@code int(size * long / short)}; PIL bicubic.
     */
    public static RgbImage resizeShortSide(RgbImage image, int size) {
        int w = image.width();
        int h = image.height();
        int nw;
        int nh;
        if (w <= h) {
            nw = size;
            nh = (int) ((double) size * h / w);
        } else {
            nh = size;
            nw = (int) ((double) size * w / h);
        }
        if (nw == w && nh == h) {
            return image;
        }
        return PilBicubic.resize(image, nw, nh);
    }

    /**
     * torchvision {@code CenterCrop(size)}: top = round((h − size) / 2), left = round((w − size) / 2)
     * with round half to even.
     *
     * @throws ShapeMismatchException when the image is smaller than {@code size}
     */
    public static RgbImage centerCrop(RgbImage image, int size) {
        if (image.width() < size || image.height() < size) {
            throw new ShapeMismatchException("centre crop " + size + "x" + size
                    + " needs an image at least that large, got " + image.width() + "x" + image.height());
        }
        int top = (int) Math.rint((image.height() - size) / 2.0);
        int left = (int) Math.rint((image.width() - size) / 2.0);
        return image.crop(left, top, size, size);
    }

    /**
     * CLIP's full preprocess: resize short side, centre crop, normalise.
     *
     * @return [3, size, size] float32
     */
    public static INDArray clipTransform(RgbImage image, int size) {
        RgbImage c = centerCrop(resizeShortSide(image, size), size);
        float[] out = new float[3 * size * size];
        normalizeInto(c, out, 0);
        return Nd4j.create(out, new long[] {3, size, size}, 'c');
    }

    /**
     * ViSAGe's frame normalisation of equally sized frames.
     *
     * @return [T, 3, H, W] float32
     */
    public static INDArray normalizeFrames(List<RgbImage> frames) {
        if (frames.isEmpty()) {
            throw new ShapeMismatchException("normalizeFrames: no frames");
        }
        int w = frames.get(0).width();
        int h = frames.get(0).height();
        float[] out = new float[frames.size() * 3 * w * h];
        for (int t = 0; t < frames.size(); t++) {
            RgbImage f = frames.get(t);
            if (f.width() != w || f.height() != h) {
                throw new ShapeMismatchException("normalizeFrames: frame " + t + " is " + f.width() + "x" + f.height()
                        + " but frame 0 is " + w + "x" + h);
            }
            normalizeInto(f, out, t * 3 * w * h);
        }
        return Nd4j.create(out, new long[] {frames.size(), 3, h, w}, 'c');
    }

    /** Writes (x/255 − mean)/std channel-first [3, H, W] at {@code offset}. */
    public static void normalizeInto(RgbImage image, float[] out, int offset) {
        int plane = image.width() * image.height();
        byte[] rgb = image.rgb();
        for (int c = 0; c < 3; c++) {
            float mean = MEAN.get(c).floatValue();
            float std = STD.get(c).floatValue();
            int base = offset + c * plane;
            for (int i = 0; i < plane; i++) {
                float v = (rgb[i * 3 + c] & 0xff) / 255f;
                out[base + i] = (v - mean) / std;
            }
        }
    }
}
