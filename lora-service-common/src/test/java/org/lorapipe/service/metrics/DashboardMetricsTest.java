package org.lorapipe.service.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.lorapipe.service.testing.DashboardMetrics;

/**
 * Every series the Grafana dashboard draws has a service that exports it, so that service's contract
 * test checks it in a real scrape ({@code DashboardMetrics.assertExports}).
 */
class DashboardMetricsTest {

    @Test
    void everySeriesTheDashboardDrawsHasAServiceThatExportsIt() {
        assertThat(DashboardMetrics.series()).hasSizeGreaterThan(10);
        for (String series : DashboardMetrics.series()) {
            assertThat(DashboardMetrics.owners(series))
                    .as("who exports %s: add its prefix to DashboardMetrics.OWNERS", series)
                    .isNotEmpty();
        }
    }

    @Test
    void aScrapeIsReadSeriesBySeries() {
        String scrape = "# HELP lora_jobs_active x\n# TYPE lora_jobs_active gauge\n"
                + "lora_jobs_active{stage=\"training\",state=\"queued\"} 0.0\n"
                + "lora_s3_retries_total 0.0\n";
        assertThat(DashboardMetrics.scraped(scrape)).containsExactly("lora_jobs_active", "lora_s3_retries_total");
    }
}
