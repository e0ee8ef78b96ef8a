package org.lorapipe.trainer.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.lorapipe.contract.event.MemoryUsage;

/**
 * The training run in progress, for {@code /q/metrics}, fed at every optimizer step (not only at the
 * throttled progress events):
 *
 * <ul>
 *   <li>{@code lora_training_steps_total} and {@code lora_training_step_duration_seconds} (count, sum,
 *       max): optimizer steps and the wall time of each;
 *   <li>{@code lora_training_tokens_per_second}, {@code lora_training_loss},
 *       {@code lora_training_learning_rate}: the last step's figures;
 *   <li>{@code lora_training_peak_rss_bytes}: the peak resident memory of the process as the last step
 *       saw it (the run's own peak: the trainer resets it when a run starts).
 * </ul>
 *
 * The gauges keep the last run's values after it ends. No label names the request: a label per run
 * would make a new time series for every request.
 */
@ApplicationScoped
public class TrainerMetrics {
    public static final String STEPS = "lora.training.steps";
    public static final String STEP_DURATION = "lora.training.step.duration";
    public static final String TOKENS_PER_SECOND = "lora.training.tokens.per.second";
    public static final String LOSS = "lora.training.loss";
    public static final String LEARNING_RATE = "lora.training.learning.rate";
    public static final String PEAK_RSS = "lora.training.peak.rss";

    private final Counter steps;
    private final Timer stepDuration;
    private final AtomicLong tokensPerSecond = new AtomicLong(Double.doubleToLongBits(0));
    private final AtomicLong loss = new AtomicLong(Double.doubleToLongBits(Double.NaN));
    private final AtomicLong learningRate = new AtomicLong(Double.doubleToLongBits(0));
    private final AtomicLong peakRss = new AtomicLong();

    public TrainerMetrics(MeterRegistry meters) {
        steps = Counter.builder(STEPS).description("Optimizer steps trained").register(meters);
        stepDuration = Timer.builder(STEP_DURATION)
                .description("Wall time of one optimizer step")
                .register(meters);
        gauge(meters, TOKENS_PER_SECOND, "Training throughput of the last step, tokens per second", tokensPerSecond);
        gauge(meters, LOSS, "Training loss of the last step", loss);
        gauge(meters, LEARNING_RATE, "Learning rate of the last step", learningRate);
        Gauge.builder(PEAK_RSS, peakRss, AtomicLong::get)
                .description("Peak resident memory of the trainer process during the current or last run")
                .baseUnit("bytes")
                .register(meters);
    }

    private static void gauge(MeterRegistry meters, String name, String description, AtomicLong bits) {
        Gauge.builder(name, bits, b -> Double.longBitsToDouble(b.get()))
                .description(description)
                .register(meters);
    }

    /**
     * One optimizer step ended.
     *
     * @param took its wall time, or null when unknown (the first step after a resume)
     */
    public void step(Duration took, double stepLoss, double lr, double tokensPerSec, MemoryUsage memory) {
        steps.increment();
        if (took != null && !took.isNegative()) {
            stepDuration.record(took);
        }
        loss.set(Double.doubleToLongBits(stepLoss));
        learningRate.set(Double.doubleToLongBits(lr));
        tokensPerSecond.set(Double.doubleToLongBits(tokensPerSec));
        if (memory != null) {
            long peak = memory.peakRssBytes() != null ? memory.peakRssBytes() : memory.rssBytes();
            peakRss.set(peak);
        }
    }
}
