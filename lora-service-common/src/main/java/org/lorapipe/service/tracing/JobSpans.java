package org.lorapipe.service.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The spans a stage's work is cut into (download, curation, each epoch, each evaluation task, merge,
 * upload), each a child of the span current on the calling thread: inside a job, the job's span
 * ({@code StageConsumer}). A span that ends in an exception is marked as an error and the exception
 * goes on unchanged. With tracing off the spans cost next to nothing and are dropped.
 */
@ApplicationScoped
public class JobSpans {
    /** The instrumentation scope of every span the pipeline makes. */
    public static final String INSTRUMENTATION = "org.lorapipe";

    public static final AttributeKey<String> STAGE = AttributeKey.stringKey("lora.stage");
    public static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("lora.request_id");
    /** {@code done}, {@code failed} or {@code stopped}: how a job span ended. */
    public static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("lora.outcome");

    /** A piece of work that may throw a checked exception of one type. */
    @FunctionalInterface
    public interface Work<T, E extends Exception> {
        T get() throws E;
    }

    /** The same without a result. */
    @FunctionalInterface
    public interface Step<E extends Exception> {
        void run() throws E;
    }

    private final Tracer tracer;

    @Inject
    public JobSpans(OpenTelemetry openTelemetry) {
        this(openTelemetry.getTracer(INSTRUMENTATION));
    }

    public JobSpans(Tracer tracer) {
        this.tracer = tracer;
    }

    /** Spans that are dropped (tests of code that takes a {@code JobSpans}). */
    public static JobSpans none() {
        return new JobSpans(OpenTelemetry.noop());
    }

    public Tracer tracer() {
        return tracer;
    }

    /** Runs {@code work} in a span named {@code name}. */
    public <T, E extends Exception> T call(String name, Work<T, E> work) throws E {
        return call(name, Attributes.empty(), work);
    }

    /** Runs {@code work} in a span named {@code name} with {@code attributes}. */
    public <T, E extends Exception> T call(String name, Attributes attributes, Work<T, E> work) throws E {
        Span span = start(name, attributes);
        try (Scope scope = span.makeCurrent()) {
            return work.get();
        } catch (Throwable t) {
            failed(span, t);
            throw t;
        } finally {
            span.end();
        }
    }

    /** Runs {@code step} in a span named {@code name}. */
    public <E extends Exception> void run(String name, Step<E> step) throws E {
        call(name, Attributes.empty(), () -> {
            step.run();
            return null;
        });
    }

    /**
     * Starts a span under the current one for work that begins and ends in callbacks (a training epoch):
     * the caller ends it, and it is not made current.
     */
    public Span start(String name, Attributes attributes) {
        return tracer.spanBuilder(name).setAllAttributes(attributes).startSpan();
    }

    /** Marks {@code span} as failed by {@code t}. */
    public static void failed(Span span, Throwable t) {
        span.recordException(t);
        span.setStatus(StatusCode.ERROR, String.valueOf(t.getMessage()));
    }
}
