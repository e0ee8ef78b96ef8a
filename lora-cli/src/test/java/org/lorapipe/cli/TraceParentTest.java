package org.lorapipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The trace context {@code lora submit} starts a run with; the end-to-end test finds the run's spans by it. */
class TraceParentTest {
    @Test
    void aNewTraceIsAValidSampledW3cTraceparent() {
        TraceParent a = TraceParent.random();
        TraceParent b = TraceParent.random();
        assertThat(a.header()).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
        assertThat(a.header()).startsWith("00-" + a.traceId() + "-" + a.spanId());
        assertThat(a.traceId()).isNotEqualTo(b.traceId()).doesNotMatch("0+");
        assertThat(a.spanId()).doesNotMatch("0+");
    }
}
