package io.visage.nn.io;

import java.nio.file.Path;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Read access to the named tensors of one file (safetensors, PyTorch zip checkpoint, .npz, .npy).
 * Headers are validated when the source is opened; data is read on demand.
 */
public interface TensorSource extends AutoCloseable {
    /** The file this source reads, for messages. */
    Path path();

    /** Every tensor, in file order. */
    List<TensorInfo> tensors();

    /** True when the file holds a tensor of this name. */
    boolean contains(String name);

    /**
     * Metadata of a tensor.
     *
     * @throws java.util.NoSuchElementException naming the file and the tensor when absent
     */
    TensorInfo info(String name);

    /**
     * Reads a tensor into a new ND4J array of the file's dtype ({@link DType#nd4j()}), c-order.
     *
     * @throws java.util.NoSuchElementException naming the file and the tensor when absent
     */
    INDArray load(String name);

    /** Reads a floating-point tensor (F16, BF16, F32 or F64) as float32 values in row-major order. */
    float[] floats(String name);

    /** Reads a floating-point tensor as float64 values in row-major order. */
    double[] doubles(String name);

    /** Reads an integer or bool tensor as int64 values in row-major order. */
    long[] longs(String name);

    /** Shape of a tensor (shortcut for {@code info(name).shape()}). */
    default long[] shape(String name) {
        return info(name).shape();
    }

    @Override
    void close();
}
