package org.lorapipe.service.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.lorapipe.contract.json.Json;

/**
 * Ties the Grafana dashboard to what the services really export: every {@code lora_*} series its
 * PromQL names is owned by the services listed in {@link #OWNERS}, and each service's contract test
 * scrapes its {@code /q/metrics} after a real job and checks that every series it owns is there. A
 * panel can then never draw a metric that no service exports (a rename breaks the build).
 */
public final class DashboardMetrics {
    /** The dashboard, from the repository root. */
    public static final String DASHBOARD = "deploy/grafana/lora-dashboard.json";

    private static final List<String> STAGES =
            List.of("dataset-service", "trainer-service", "eval-service", "merge-service");
    private static final List<String> ALL =
            List.of("dataset-service", "trainer-service", "eval-service", "merge-service", "sweep-service");

    /** Series name prefix: the services that export it. */
    public static final Map<String, List<String>> OWNERS = owners();

    private static final Pattern SERIES = Pattern.compile("\\blora_[a-z0-9_]+");

    private DashboardMetrics() {}

    private static Map<String, List<String>> owners() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        m.put("lora_jobs_", STAGES);
        m.put("lora_job_", STAGES);
        m.put("lora_kafka_consumer_", ALL);
        m.put("lora_s3_", ALL);
        m.put("lora_dataset_", List.of("dataset-service"));
        m.put("lora_training_", List.of("trainer-service"));
        m.put("lora_eval_", List.of("eval-service"));
        m.put("lora_merge_", List.of("merge-service"));
        return m;
    }

    /** The repository root: the first directory up from here that holds the dashboard. */
    public static Path root() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p.resolve(DASHBOARD))) {
                return p;
            }
        }
        throw new IllegalStateException(
                "no " + DASHBOARD + " above " + Path.of("").toAbsolutePath());
    }

    /** Every {@code lora_*} series the dashboard's queries use. */
    public static Set<String> series() {
        try {
            JsonNode dashboard =
                    Json.mapper().readTree(root().resolve(DASHBOARD).toFile());
            Set<String> names = new TreeSet<>();
            for (JsonNode expr : dashboard.findValues("expr")) {
                Matcher m = SERIES.matcher(expr.asText());
                while (m.find()) {
                    names.add(m.group());
                }
            }
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The services that export {@code series}, by its prefix; empty when no prefix claims it. */
    public static List<String> owners(String series) {
        return OWNERS.entrySet().stream()
                .filter(e -> series.startsWith(e.getKey()))
                .findFirst()
                .map(Map.Entry::getValue)
                .orElse(List.of());
    }

    /** The dashboard series {@code service} exports. */
    public static Set<String> seriesOf(String service) {
        Set<String> out = new TreeSet<>();
        for (String s : series()) {
            if (owners(s).contains(service)) {
                out.add(s);
            }
        }
        return out;
    }

    /** The series names of a Prometheus text scrape. */
    public static Set<String> scraped(String scrape) {
        Set<String> names = new TreeSet<>();
        for (String line : scrape.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int end = 0;
            while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
                end++;
            }
            names.add(line.substring(0, end));
        }
        return names;
    }

    /** Fails naming every dashboard series of {@code service} that {@code scrape} lacks. */
    public static void assertExports(String service, String scrape) {
        Set<String> wanted = seriesOf(service);
        assertThat(wanted).as("the dashboard draws something of %s", service).isNotEmpty();
        Set<String> missing = new TreeSet<>(wanted);
        missing.removeAll(scraped(scrape));
        assertThat(missing)
                .as(
                        "series of %s that %s draws but its /q/metrics lacks (rename the panel or the meter)",
                        service, DASHBOARD)
                .isEmpty();
    }
}
