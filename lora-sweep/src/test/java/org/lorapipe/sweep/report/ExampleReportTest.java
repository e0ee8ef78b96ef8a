package org.lorapipe.sweep.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Renders the example sweep into target/report-sample, to look at. */
class ExampleReportTest {

    @Test
    void writesTheExampleReport() throws Exception {
        Map<String, byte[]> files = SweepReports.render(ExampleSweep.PLAN, ExampleSweep.results(), Sweeps.AT);
        Path dir = Files.createDirectories(Path.of("target", "report-sample"));
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            Files.write(dir.resolve(f.getKey()), f.getValue());
        }
        assertThat(files).containsKeys(SweepReports.JSON, SweepReports.MARKDOWN);
    }
}
