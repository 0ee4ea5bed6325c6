package io.visage.core.scene;

import io.visage.nn.ConfigException;

/**
 * One object of a scene: what it is (its look and sound) and how it moves.
 *
 * @param soundClass the object's kind
 * @param path       its direction over time
 */
public record SceneObject(SoundClass soundClass, SourcePath path) {
    public SceneObject {
        if (soundClass == null || path == null) {
            throw new ConfigException("a scene object needs a sound class and a path, got " + soundClass + ", " + path);
        }
    }
}
