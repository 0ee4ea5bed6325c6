package io.visage.examples;

import io.visage.nn.kernel.WeightFormat;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** The {@code --weights-dtype} option: how the decoder's projections and heads are stored for generation. */
public final class WeightsDtypeOption {
    @Option(
            names = "--weights-dtype",
            defaultValue = "fp32",
            paramLabel = "fp32|bf16|int8",
            converter = Converter.class,
            description = {
                "decoder weights for generation (default ${DEFAULT-VALUE} = the reference's numerics): bf16 = half",
                "the bytes per step, int8 = weight-only per-row int8, a quarter; converted once at start, float32 sums"
            })
    WeightFormat format = WeightFormat.FP32;

    /** The chosen format. */
    public WeightFormat get() {
        return format;
    }

    static final class Converter implements ITypeConverter<WeightFormat> {
        @Override
        public WeightFormat convert(String value) {
            try {
                return WeightFormat.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
