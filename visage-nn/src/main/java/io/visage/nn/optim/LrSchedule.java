package io.visage.nn.optim;

/** Learning rate as a function of the optimizer step (1-based, as the update about to be applied). */
@FunctionalInterface
public interface LrSchedule {
    double lr(long step);

    /** {@code get_constant_schedule}. */
    static LrSchedule constant(double lr) {
        return step -> lr;
    }

    /**
     * {@code get_constant_schedule_with_warmup}: lr·s/warmup for the first {@code warmup} scheduler
     * steps, then lr. Hugging Face evaluates the factor at the count of completed scheduler steps,
     * so update {@code n} (1-based) uses factor {@code (n-1)/warmup}.
     */
    static LrSchedule constantWithWarmup(double lr, long warmup) {
        if (warmup < 0) {
            throw new IllegalArgumentException("warm-up steps must be >= 0, got " + warmup);
        }
        return step -> {
            long done = step - 1;
            return done < warmup ? lr * (double) done / Math.max(1, warmup) : lr;
        };
    }
}
