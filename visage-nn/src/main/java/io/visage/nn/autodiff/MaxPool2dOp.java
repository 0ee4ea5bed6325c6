package io.visage.nn.autodiff;

import io.visage.nn.ShapeMismatchException;
import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code torch.nn.functional.max_pool2d(x, kernel, stride)} without padding, dilation 1, floor
 * mode, as plain loops over the arrays' host buffers. Window elements are visited row by row and
 * the first maximum wins (a later element replaces it only when strictly greater, or when it is
 * NaN, which then propagates), as PyTorch's CPU kernel does; the backward routes each output's
 * gradient to that one element. The winners' indices are kept only when the op is recorded.
 */
final class MaxPool2dOp {
    private MaxPool2dOp() {}

    static Tensor apply(Ops ops, Tensor x, int kernel, int stride) {
        long[] s = x.shape();
        if (s.length != 4) {
            throw new ShapeMismatchException("max_pool2d: input must be [B, C, H, W], got " + Arrays.toString(s));
        }
        if (kernel < 1 || stride < 1) {
            throw new IllegalArgumentException(
                    "max_pool2d: kernel " + kernel + " and stride " + stride + " must be >= 1");
        }
        if (s[2] < kernel || s[3] < kernel) {
            throw new ShapeMismatchException(
                    "max_pool2d: input " + Arrays.toString(s) + " is smaller than the kernel " + kernel + "x" + kernel);
        }
        DataType type = x.dataType();
        HostArrays.requireFloating("max_pool2d", type);
        int planes = Math.toIntExact(s[0] * s[1]);
        int h = (int) s[2];
        int w = (int) s[3];
        int ho = (h - kernel) / stride + 1;
        int wo = (w - kernel) / stride + 1;
        long[] outShape = {s[0], s[1], ho, wo};
        int[] argmax =
                ops.recordingGradients() && x.requiresGrad() ? new int[Math.multiplyExact(planes, ho * wo)] : null;
        INDArray xc = HostArrays.cOrder(x.value());
        INDArray out = Nd4j.createUninitialized(type, outShape);
        ByteBuffer in = HostArrays.bytes(xc);
        ByteBuffer res = HostArrays.bytes(out);
        // one loop for both types: float32 values are compared and stored exactly in float64
        boolean dbl = type == DataType.DOUBLE;
        DoubleBuffer dv = dbl ? in.asDoubleBuffer() : null;
        DoubleBuffer dout = dbl ? res.asDoubleBuffer() : null;
        FloatBuffer fv = dbl ? null : in.asFloatBuffer();
        FloatBuffer fout = dbl ? null : res.asFloatBuffer();
        int first = (int) xc.offset();
        for (int p = 0; p < planes; p++) {
            int base = first + p * h * w;
            for (int oy = 0; oy < ho; oy++) {
                for (int ox = 0; ox < wo; ox++) {
                    int at = base + oy * stride * w + ox * stride;
                    double best = Double.NEGATIVE_INFINITY;
                    int arg = at;
                    for (int i = 0; i < kernel; i++) {
                        for (int j = 0; j < kernel; j++) {
                            int k = at + i * w + j;
                            double e = dbl ? dv.get(k) : fv.get(k);
                            if (e > best || Double.isNaN(e)) {
                                best = e;
                                arg = k;
                            }
                        }
                    }
                    int q = (p * ho + oy) * wo + ox;
                    if (dbl) {
                        dout.put(q, best);
                    } else {
                        fout.put(q, (float) best);
                    }
                    if (argmax != null) {
                        argmax[q] = arg - first;
                    }
                }
            }
        }
        if (xc != x.value()) {
            xc.close();
        }
        if (argmax == null) {
            return Tensor.constant(out);
        }
        return ops.record(out, new Tensor[] {x}, new INDArray[0], (g, sink) -> {
            double[] gv = HostArrays.readDoubles(g);
            double[] gx = new double[Math.toIntExact(x.value().length())];
            for (int q = 0; q < argmax.length; q++) {
                gx[argmax[q]] += gv[q];
            }
            sink.addOwned(x, HostArrays.create(gx, s, type));
        });
    }
}
