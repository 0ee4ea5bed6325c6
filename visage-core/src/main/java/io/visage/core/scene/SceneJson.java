package io.visage.core.scene;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.visage.core.direction.CameraDirection;
import io.visage.nn.ConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A scene set's {@code scenes.json}: every scene's camera, objects and paths, so any clip can be
 * rendered again ({@link SceneRenderer}) exactly as it was. Numbers are written in Java's shortest
 * round-trip form, so reading gives back equal {@link Scene}s.
 *
 * <pre>{@code
 * {
 *   "format" : "visage-scenes/1",
 *   "seed" : 7,
 *   "config" : { "seconds" : 5.0, "videoFps" : 8, "width" : 224, "height" : 224, "fovDegrees" : 90.0,
 *                "sampleRateHz" : 16000, "objectRadiusDegrees" : 12.0, "sourceGain" : 0.3 },
 *   "scenes" : {
 *     "s7-00000" : { "camera" : [ 45, 90 ],
 *                    "objects" : [ { "class" : "RED_BALL", "azimuthDegrees" : 3.5, "elevationDegrees" : -1.0,
 *                                    "azimuthVelocityDegreesPerSec" : 4.2,
 *                                    "elevationVelocityDegreesPerSec" : -0.5 } ] }
 *   }
 * }
 * }</pre>
 */
public final class SceneJson {
    /** The {@code format} value this class writes and reads. */
    public static final String FORMAT = "visage-scenes/1";

    private SceneJson() {}

    /**
     * The contents of a {@code scenes.json}.
     *
     * @param seed   the seed the set was drawn from
     * @param config the config every scene shares
     * @param scenes clip id → scene, sorted by id
     */
    public record Catalog(long seed, SceneConfig config, Map<String, Scene> scenes) {
        public Catalog {
            if (config == null || scenes == null) {
                throw new ConfigException("a scene catalog needs a config and scenes");
            }
            for (Map.Entry<String, Scene> e : scenes.entrySet()) {
                if (!e.getValue().config().equals(config)) {
                    throw new ConfigException("scene '" + e.getKey() + "' has config "
                            + e.getValue().config() + " but the catalog's is " + config);
                }
            }
            scenes = Collections.unmodifiableMap(new TreeMap<>(scenes));
        }
    }

    /** The text of a {@code scenes.json}: pretty-printed, ids sorted, a final newline. */
    public static String toJson(Catalog catalog) {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        root.put("format", FORMAT);
        root.put("seed", catalog.seed());
        SceneConfig c = catalog.config();
        ObjectNode cfg = root.putObject("config");
        cfg.put("seconds", c.seconds());
        cfg.put("videoFps", c.videoFps());
        cfg.put("width", c.width());
        cfg.put("height", c.height());
        cfg.put("fovDegrees", c.fovDegrees());
        cfg.put("sampleRateHz", c.sampleRateHz());
        cfg.put("objectRadiusDegrees", c.objectRadiusDegrees());
        cfg.put("sourceGain", c.sourceGain());
        ObjectNode scenes = root.putObject("scenes");
        for (Map.Entry<String, Scene> e : catalog.scenes().entrySet()) {
            ObjectNode s = scenes.putObject(e.getKey());
            CameraDirection cam = e.getValue().camera();
            s.putArray("camera").add(cam.elevationIndex()).add(cam.azimuthIndex());
            ArrayNode objects = s.putArray("objects");
            for (SceneObject o : e.getValue().objects()) {
                ObjectNode on = objects.addObject();
                on.put("class", o.soundClass().name());
                on.put("azimuthDegrees", o.path().azimuthDegrees());
                on.put("elevationDegrees", o.path().elevationDegrees());
                on.put("azimuthVelocityDegreesPerSec", o.path().azimuthVelocityDegreesPerSec());
                on.put("elevationVelocityDegreesPerSec", o.path().elevationVelocityDegreesPerSec());
            }
        }
        try {
            return m.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException("scenes.json: " + e.getMessage(), e);
        }
    }

    /** Writes a {@code scenes.json} atomically. */
    public static void write(Path file, Catalog catalog) {
        Path temp = file.toAbsolutePath().resolveSibling("." + file.getFileName() + ".part");
        try {
            Files.writeString(temp, toJson(catalog));
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a {@code scenes.json}.
     *
     * @throws ConfigException naming the file and the field that is missing or invalid
     */
    public static Catalog read(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new ConfigException(
                    file + ": not readable JSON (expected a " + FORMAT + " scene list): " + e.getMessage());
        }
        if (root == null
                || !root.isObject()
                || !FORMAT.equals(root.path("format").asText(null))) {
            throw new ConfigException(file + ": not a scene list (expected \"format\": \"" + FORMAT + "\", found "
                    + (root == null || !root.isObject() ? "no JSON object" : root.path("format")) + ")");
        }
        try {
            JsonNode c = object(root, "config");
            SceneConfig cfg = new SceneConfig(
                    number(c, "seconds"),
                    integer(c, "videoFps"),
                    integer(c, "width"),
                    integer(c, "height"),
                    number(c, "fovDegrees"),
                    integer(c, "sampleRateHz"),
                    number(c, "objectRadiusDegrees"),
                    number(c, "sourceGain"));
            JsonNode seed = root.get("seed");
            if (seed == null || !seed.isIntegralNumber() || !seed.canConvertToLong()) {
                throw new ConfigException("\"seed\" must be an integer but was " + seed);
            }
            Map<String, Scene> scenes = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it =
                            object(root, "scenes").fields();
                    it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                try {
                    scenes.put(e.getKey(), scene(e.getValue(), cfg));
                } catch (ConfigException bad) {
                    throw new ConfigException("scene '" + e.getKey() + "': " + bad.getMessage());
                }
            }
            return new Catalog(seed.asLong(), cfg, scenes);
        } catch (ConfigException bad) {
            throw new ConfigException(file + ": " + bad.getMessage());
        }
    }

    private static Scene scene(JsonNode s, SceneConfig cfg) {
        if (!s.isObject()) {
            throw new ConfigException("must be an object with \"camera\" and \"objects\" but was " + s);
        }
        JsonNode cam = s.get("camera");
        if (cam == null
                || !cam.isArray()
                || cam.size() != 2
                || !cam.get(0).isIntegralNumber()
                || !cam.get(1).isIntegralNumber()) {
            throw new ConfigException("\"camera\" must be [elevation_idx, azimuth_idx] integers but was " + cam);
        }
        JsonNode objs = s.get("objects");
        if (objs == null || !objs.isArray()) {
            throw new ConfigException("\"objects\" must be an array but was " + objs);
        }
        List<SceneObject> objects = new ArrayList<>();
        for (JsonNode o : objs) {
            String name = o.path("class").asText("");
            SoundClass c;
            try {
                c = SoundClass.valueOf(name);
            } catch (IllegalArgumentException unknown) {
                throw new ConfigException("unknown object class '" + name + "' (expected one of "
                        + Arrays.toString(SoundClass.values()) + ")");
            }
            objects.add(new SceneObject(
                    c,
                    new SourcePath(
                            number(o, "azimuthDegrees"),
                            number(o, "elevationDegrees"),
                            number(o, "azimuthVelocityDegreesPerSec"),
                            number(o, "elevationVelocityDegreesPerSec"))));
        }
        return new Scene(new CameraDirection(cam.get(0).asInt(), cam.get(1).asInt()), objects, cfg);
    }

    private static JsonNode object(JsonNode parent, String field) {
        JsonNode n = parent.get(field);
        if (n == null || !n.isObject()) {
            throw new ConfigException("\"" + field + "\" must be an object but was " + n);
        }
        return n;
    }

    private static double number(JsonNode parent, String field) {
        JsonNode n = parent.get(field);
        if (n == null || !n.isNumber()) {
            throw new ConfigException("\"" + field + "\" must be a number but was " + n);
        }
        return n.asDouble();
    }

    private static int integer(JsonNode parent, String field) {
        JsonNode n = parent.get(field);
        if (n == null || !n.isIntegralNumber() || !n.canConvertToInt()) {
            throw new ConfigException("\"" + field + "\" must be an integer but was " + n);
        }
        return n.asInt();
    }
}
