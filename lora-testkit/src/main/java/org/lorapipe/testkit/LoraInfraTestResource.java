package org.lorapipe.testkit;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Quarkus test resource that gives a {@code @QuarkusTest} a real Kafka broker and S3 server:
 *
 * <pre>{@code
 * @QuarkusTest
 * @QuarkusTestResource(LoraInfraTestResource.class)   // or @WithTestResource in newer Quarkus
 * class TrainerFlowTest { ... }
 * }</pre>
 *
 * <p>{@link #start()} returns {@link LocalInfra#config()}, so {@code kafka.bootstrap.servers} and
 * the {@code lora.s3.*} properties point at the real servers. By default the JVM-wide
 * {@link LocalInfra#shared()} instance is used: every test class of the module reuses one broker,
 * and the shutdown hook stops it when surefire's JVM exits. With the init arg {@code shared=false}
 * ({@code @QuarkusTestResource(value = ..., initArgs = @ResourceArg(name = "shared", value =
 * "false"))}) the resource starts its own instance and stops it in {@link #stop()}.
 *
 * <p>Requires {@code quarkus-junit} (which brings {@code quarkus-test-common}) on the test
 * classpath; the test kit itself does not pull Quarkus in.
 */
public class LoraInfraTestResource implements QuarkusTestResourceLifecycleManager {

    private boolean useShared = true;
    private LocalInfra own;

    @Override
    public void init(Map<String, String> initArgs) {
        useShared = !"false".equalsIgnoreCase(initArgs.getOrDefault("shared", "true"));
    }

    @Override
    public Map<String, String> start() {
        if (useShared) {
            return LocalInfra.shared().config();
        }
        own = LocalInfra.start();
        return own.config();
    }

    @Override
    public void stop() {
        if (own != null) {
            own.close();
            own = null;
        }
    }
}
