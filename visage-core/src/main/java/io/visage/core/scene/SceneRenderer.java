package io.visage.core.scene;

import io.visage.audio.foa.Foa;
import io.visage.audio.foa.FoaFormat;
import io.visage.core.video.RgbImage;

/**
 * Renders a {@link Scene}: its field-of-view frames and its first-order ambisonics.
 *
 * <p>Frames: a plain sky colour where a pixel's ray points above the world horizon, a plain ground
 * colour at or below it (so tilting the camera moves the horizon), then each object in front of the
 * camera as its {@link Shape} of pixel radius {@link SceneCamera#radiusPixels} centred on its
 * projected direction, clipped at the image border. Pixels are filled where the shape contains the
 * pixel centre (no anti-aliasing).
 *
 * <p>Audio: ambiX (ACN order W, Y, Z, X; SN3D). Each object's mono sound ({@link SoundClass#sound})
 * times {@link SceneConfig#sourceGain} is encoded as a plane wave from its direction at each sample's
 * time n / rate ({@link Foa#gains}), and the objects are summed.
 */
public final class SceneRenderer {
    /** Sky colour, RGB. */
    public static final int[] SKY = {150, 190, 230};
    /** Ground colour, RGB. */
    public static final int[] GROUND = {120, 105, 90};

    private SceneRenderer() {}

    /** The frame at time t seconds, config.width × config.height. */
    public static RgbImage frame(Scene scene, double t) {
        SceneCamera cam = SceneCamera.of(scene);
        int w = cam.width();
        int h = cam.height();
        byte[] rgb = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                put(rgb, (y * w + x) * 3, cam.isSky(x + 0.5, y + 0.5) ? SKY : GROUND);
            }
        }
        double r = cam.radiusPixels(scene.config().objectRadiusDegrees());
        for (SceneObject o : scene.objects()) {
            double[] p = cam.project(o.path().at(t));
            if (p == null) {
                continue;
            }
            Shape shape = o.soundClass().shape();
            int[] colour = o.soundClass().rgb();
            double reach = Shape.EXTENT * r;
            int x0 = (int) Math.max(0, Math.floor(p[0] - reach));
            int x1 = (int) Math.min(w - 1, Math.ceil(p[0] + reach));
            int y0 = (int) Math.max(0, Math.floor(p[1] - reach));
            int y1 = (int) Math.min(h - 1, Math.ceil(p[1] + reach));
            for (int y = y0; y <= y1; y++) {
                double v = (p[1] - (y + 0.5)) / r;
                for (int x = x0; x <= x1; x++) {
                    if (shape.contains((x + 0.5 - p[0]) / r, v)) {
                        put(rgb, (y * w + x) * 3, colour);
                    }
                }
            }
        }
        return new RgbImage(w, h, rgb);
    }

    /** Time of video frame f in seconds: f / videoFps. */
    public static double frameTime(SceneConfig cfg, int frame) {
        return frame / (double) cfg.videoFps();
    }

    /**
     * The scene's sound field.
     *
     * @return [4][config.samples()] ambiX W, Y, Z, X
     */
    public static float[][] foa(Scene scene) {
        SceneConfig cfg = scene.config();
        int n = cfg.samples();
        int rate = cfg.sampleRateHz();
        double[][] acc = new double[Foa.CHANNELS][n];
        for (SceneObject o : scene.objects()) {
            float[] mono = o.soundClass().sound(rate, n);
            for (int i = 0; i < n; i++) {
                double[] g = Foa.gains(o.path().at(i / (double) rate), FoaFormat.AMBIX);
                double s = cfg.sourceGain() * mono[i];
                for (int c = 0; c < Foa.CHANNELS; c++) {
                    acc[c][i] += g[c] * s;
                }
            }
        }
        float[][] out = new float[Foa.CHANNELS][n];
        for (int c = 0; c < Foa.CHANNELS; c++) {
            for (int i = 0; i < n; i++) {
                out[c][i] = (float) acc[c][i];
            }
        }
        return out;
    }

    private static void put(byte[] rgb, int at, int[] colour) {
        rgb[at] = (byte) colour[0];
        rgb[at + 1] = (byte) colour[1];
        rgb[at + 2] = (byte) colour[2];
    }
}
