package io.visage.nn.module;

import io.visage.nn.StateDictMismatchException;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.io.TensorInfo;
import io.visage.nn.io.TensorSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Strict loading: every parameter a module asks for must be in the source with exactly the
 * expected shape, and after the build {@link #verify()} fails if the source holds tensors nobody
 * asked for. All problems are collected and reported together in one
 * {@link StateDictMismatchException}. Keys may be renamed on the way in (an explicit
 * {@code keyMap}, e.g. to add a {@code visual.} prefix); tensors to skip are named in an explicit
 * allow-list, never by pattern.
 */
public final class LoadedParams implements Params {
    private final TensorSource source;
    private final DataType dataType;
    private final UnaryOperator<String> keyMap;
    private final Set<String> taken = new LinkedHashSet<>();
    private final Set<String> ignored;
    private final List<String> missing = new ArrayList<>();
    private final List<String> shapeMismatches = new ArrayList<>();

    /**
     * @param source   checkpoint to read
     * @param dataType type parameters are converted to (FLOAT for inference, DOUBLE for gradient checks)
     * @param keyMap   module key → checkpoint key
     * @param ignored  checkpoint keys that may stay unused
     */
    public LoadedParams(TensorSource source, DataType dataType, UnaryOperator<String> keyMap, Set<String> ignored) {
        this.source = source;
        this.dataType = dataType;
        this.keyMap = keyMap;
        this.ignored = Set.copyOf(ignored);
    }

    public LoadedParams(TensorSource source, DataType dataType) {
        this(source, dataType, UnaryOperator.identity(), Set.of());
    }

    public LoadedParams(TensorSource source) {
        this(source, DataType.FLOAT);
    }

    @Override
    public Tensor take(String key, Init init, long... shape) {
        String stored = keyMap.apply(key);
        if (!taken.add(stored)) {
            throw new IllegalStateException("parameter " + stored + " requested twice while building the model");
        }
        if (!source.contains(stored)) {
            missing.add(stored);
            return Tensor.parameter(Nd4j.create(dataType, shape));
        }
        TensorInfo info = source.info(stored);
        if (!Arrays.equals(info.shape(), shape)) {
            shapeMismatches.add(
                    stored + ": expected " + Arrays.toString(shape) + " found " + Arrays.toString(info.shape()));
            return Tensor.parameter(Nd4j.create(dataType, shape));
        }
        INDArray a = source.load(stored);
        if (a.dataType() != dataType) {
            a = a.castTo(dataType);
        }
        return Tensor.parameter(a.reshape('c', shape));
    }

    /**
     * Throws when any requested key was missing or had the wrong shape, or when the source has
     * tensors that were not requested and are not in the ignore list.
     */
    public void verify() {
        List<String> unexpected = new ArrayList<>();
        for (TensorInfo t : source.tensors()) {
            if (!taken.contains(t.name()) && !ignored.contains(t.name())) {
                unexpected.add(t.name());
            }
        }
        if (!missing.isEmpty() || !unexpected.isEmpty() || !shapeMismatches.isEmpty()) {
            throw new StateDictMismatchException(source.path().toString(), missing, unexpected, shapeMismatches);
        }
    }
}
