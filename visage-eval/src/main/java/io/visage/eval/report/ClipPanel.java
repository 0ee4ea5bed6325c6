package io.visage.eval.report;

import io.visage.eval.image.EnergyMapImage;
import io.visage.eval.spatial.EqualAreaSampler;
import io.visage.eval.spatial.MapIndex;
import io.visage.eval.spatial.SphereGrid;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The picture {@code evaluate --images} writes per clip: ground truth beside generated maps. */
public final class ClipPanel {
    private ClipPanel() {}

    /**
     * Writes a PNG panel: the whole clip, then one row per second; the ground-truth maps come from its
     * sampled maps.
     *
     * @param camera the camera's direction to mark, or null
     */
    public static void write(Path png, ClipMaps gen, ClipMaps gt, SphereGrid grid, MapIndex camera) {
        List<String> labels = new ArrayList<>();
        List<double[]> a = new ArrayList<>();
        List<double[]> b = new ArrayList<>();
        labels.add("whole clip");
        a.add(EqualAreaSampler.toMap(gt.map(), grid));
        b.add(EqualAreaSampler.toMap(gen.map(), grid));
        for (int s = 0; s < gt.map1fps().length; s++) {
            labels.add(String.format(Locale.ROOT, "%d-%d s", s, s + 1));
            a.add(EqualAreaSampler.toMap(gt.map1fps()[s], grid));
            b.add(EqualAreaSampler.toMap(gen.map1fps()[s], grid));
        }
        EnergyMapImage.writePng(EnergyMapImage.panel(labels, a, b, grid, camera, 2), png);
    }
}
