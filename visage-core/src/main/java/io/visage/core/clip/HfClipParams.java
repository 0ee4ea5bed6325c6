package io.visage.core.clip;

import io.visage.nn.StateDictMismatchException;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.io.TensorSource;
import io.visage.nn.module.Init;
import io.visage.nn.module.Params;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Strict parameter source over a Hugging Face CLIP checkpoint, through {@link HfClipKeys#table}.
 * Like {@link io.visage.nn.module.LoadedParams}: problems are collected and {@link #verify()}
 * reports missing, unexpected and wrong-shape tensors (by HF name) in one exception.
 */
public final class HfClipParams implements Params {
    private final TensorSource source;
    private final Map<String, HfClipKeys.Recipe> table;
    private final Set<String> ignored;
    private final DataType dataType;
    private final Set<String> taken = new LinkedHashSet<>();
    private final List<String> missing = new ArrayList<>();
    private final List<String> shapeMismatches = new ArrayList<>();

    /**
     * @param source  HF checkpoint
     * @param config  the tower to build (its depth sizes the table)
     * @param ignored HF keys that may stay unused (usually {@link HfClipKeys#unusedByImageTower})
     */
    public HfClipParams(TensorSource source, ClipVisionConfig config, List<String> ignored, DataType dataType) {
        this.source = source;
        this.table = HfClipKeys.table(config);
        this.ignored = Set.copyOf(ignored);
        this.dataType = dataType;
    }

    @Override
    public Tensor take(String key, Init init, long... shape) {
        HfClipKeys.Recipe r = table.get(key);
        if (r == null) {
            throw new IllegalStateException("no Hugging Face mapping for CLIP key " + key);
        }
        List<INDArray> parts = new ArrayList<>();
        for (String k : r.sources()) {
            taken.add(k);
            if (!source.contains(k)) {
                missing.add(k);
            } else {
                parts.add(source.load(k).castTo(dataType));
            }
        }
        if (parts.size() != r.sources().size()) {
            return Tensor.parameter(Nd4j.create(dataType, shape));
        }
        INDArray a;
        if (r instanceof HfClipKeys.ConcatRows) {
            a = Nd4j.concat(0, parts.toArray(INDArray[]::new));
        } else if (r instanceof HfClipKeys.Transpose) {
            INDArray p = parts.get(0);
            a = p.rank() == 2 ? p.transpose().dup('c') : p;
        } else {
            a = parts.get(0);
        }
        if (!Arrays.equals(a.shape(), shape)) {
            shapeMismatches.add(String.join(" + ", r.sources()) + " (for " + key + "): expected "
                    + Arrays.toString(shape) + " found " + Arrays.toString(a.shape()));
            return Tensor.parameter(Nd4j.create(dataType, shape));
        }
        return Tensor.parameter(a.dup('c'));
    }

    /** Throws {@link StateDictMismatchException} for missing, unexpected or wrong-shape tensors. */
    public void verify() {
        List<String> unexpected = new ArrayList<>();
        for (var t : source.tensors()) {
            if (!taken.contains(t.name()) && !ignored.contains(t.name())) {
                unexpected.add(t.name());
            }
        }
        if (!missing.isEmpty() || !unexpected.isEmpty() || !shapeMismatches.isEmpty()) {
            throw new StateDictMismatchException(source.path().toString(), missing, unexpected, shapeMismatches);
        }
    }
}
