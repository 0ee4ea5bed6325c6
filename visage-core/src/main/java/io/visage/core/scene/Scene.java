package io.visage.core.scene;

import io.visage.core.direction.CameraDirection;
import io.visage.nn.ConfigException;
import java.util.List;

/**
 * One synthetic 360° scene: a fixed field-of-view camera ({@link SceneCamera#lookDirection} gives
 * its world direction), the sounding objects and how the clip is rendered. Equal scenes render to
 * equal frames and FOA.
 *
 * @param camera  where the camera looks, as {@code ambi.json} indices
 * @param objects the objects, drawn in this order (later on top); may be empty (a silent scene)
 * @param config  clip length, image size, field of view, audio rate
 */
public record Scene(CameraDirection camera, List<SceneObject> objects, SceneConfig config) {
    public Scene {
        if (camera == null || objects == null || config == null) {
            throw new ConfigException("a scene needs a camera, an object list and a config, got " + camera + ", "
                    + objects + ", " + config);
        }
        objects = List.copyOf(objects);
    }
}
