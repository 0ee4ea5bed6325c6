package io.visage.core.energy;

import io.visage.nn.ConfigException;

/**
 * Parameters of the energy map (the reference script's constants).
 *
 * @param height           patch grid rows (7 for ViT-B/32 at 224 px)
 * @param width            patch grid columns (7)
 * @param temperature      softmax temperature of the first map (0.1)
 * @param topP             probability mass kept by top-p filtering (0.7)
 * @param finalTemperature softmax temperature of the filtered map (0.1)
 */
public record EnergyMapConfig(int height, int width, double temperature, double topP, double finalTemperature) {
    /** The values ViSAGe uses. */
    public static final EnergyMapConfig VISAGE = new EnergyMapConfig(7, 7, 0.1, 0.7, 0.1);

    public EnergyMapConfig {
        if (height < 1 || width < 1) {
            throw new ConfigException("energy map grid must be at least 1x1 but was " + height + "x" + width);
        }
        if (!(temperature > 0) || !(finalTemperature > 0)) {
            throw new ConfigException(
                    "energy map temperatures must be > 0 but were " + temperature + ", " + finalTemperature);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new ConfigException("energy map top_p must be in (0, 1] but was " + topP);
        }
    }

    /** H·W. */
    public int patches() {
        return height * width;
    }
}
