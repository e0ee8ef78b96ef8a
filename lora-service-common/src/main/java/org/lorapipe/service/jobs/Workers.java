package org.lorapipe.service.jobs;

import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * The threads that run a stage's long jobs, so that no Kafka record is held while work runs. One job at
 * a time by default (a training or evaluation job uses every core); jobs wait in order.
 */
@ApplicationScoped
public class Workers {
    private static final Logger LOG = Logger.getLogger(Workers.class);
    private final AtomicInteger count = new AtomicInteger();
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "lora-worker-" + count.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    public void submit(String requestId, Runnable job) {
        executor.submit(() -> {
            try {
                job.run();
            } catch (Throwable t) {
                LOG.errorf(t, "job %s ended with an unexpected error", requestId);
            }
        });
    }

    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        executor.shutdownNow();
        executor.awaitTermination(10, TimeUnit.SECONDS);
    }
}
