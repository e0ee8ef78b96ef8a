package org.lorapipe.eval.messaging;

import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;
import org.lorapipe.contract.event.AdapterTrained;
import org.lorapipe.contract.event.EventParser;
import org.lorapipe.service.jobs.JobRegistry;
import org.lorapipe.service.messaging.Channels;
import org.lorapipe.service.messaging.InboundGate;

/**
 * Consumes {@code lora.adapter.trained}. Invalid input becomes a {@code lora.pipeline.failed} event (and, when it is
 * not JSON, a dead letter) through {@link InboundGate}; a valid one is recorded once, so a redelivered
 * event is not handled twice. The record is acknowledged when this method returns.
 */
@ApplicationScoped
public class AdapterTrainedConsumer {
    private static final Logger LOG = Logger.getLogger(AdapterTrainedConsumer.class);

    private final InboundGate gate;
    private final EventParser parser;
    private final JobRegistry jobs;

    public AdapterTrainedConsumer(InboundGate gate, EventParser parser, JobRegistry jobs) {
        this.gate = gate;
        this.parser = parser;
        this.jobs = jobs;
    }

    @Incoming(Channels.INBOUND)
    @Blocking
    public void consume(ConsumerRecord<String, byte[]> record) {
        gate.admit(record, json -> parser.parse(json, AdapterTrained.class)).ifPresent(event -> {
            String id = event.requestId();
            if (jobs.accept(id, "validated; evaluation is not implemented in this build yet (issue #6)")) {
                LOG.infof("accepted %s", id);
            } else {
                LOG.infof("%s was delivered again: already handled here", id);
            }
        });
    }
}
