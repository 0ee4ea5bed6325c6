package io.visage.spark;

import io.visage.core.data.DatasetPreparer;
import io.visage.core.direction.CameraDirection;
import java.io.Serializable;
import java.nio.file.Path;

/** One clip of a Spark prepare job: {@link DatasetPreparer.ClipInput} as plain values. */
record ClipTask(String id, String video, String foa, int elevationIndex, int azimuthIndex) implements Serializable {
    static ClipTask of(DatasetPreparer.ClipInput c) {
        return new ClipTask(
                c.id(),
                c.video().toString(),
                c.foa().toString(),
                c.direction().elevationIndex(),
                c.direction().azimuthIndex());
    }

    DatasetPreparer.ClipInput input() {
        return new DatasetPreparer.ClipInput(
                id, Path.of(video), Path.of(foa), new CameraDirection(elevationIndex, azimuthIndex));
    }
}
