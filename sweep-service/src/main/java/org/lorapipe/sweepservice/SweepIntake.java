package org.lorapipe.sweepservice;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;
import org.lorapipe.contract.ErrorCodes;
import org.lorapipe.contract.Topics;
import org.lorapipe.contract.event.PipelineEvent;
import org.lorapipe.contract.request.TrainingRequest;
import org.lorapipe.contract.sweep.SweepExpansion;
import org.lorapipe.contract.sweep.SweepParser;
import org.lorapipe.contract.sweep.SweepPlan;
import org.lorapipe.contract.sweep.SweepProgress;
import org.lorapipe.contract.sweep.SweepRunStatus;
import org.lorapipe.service.consumer.Admission;
import org.lorapipe.service.consumer.InboundGate;
import org.lorapipe.service.consumer.OutgoingEvent;
import org.lorapipe.sweepservice.messaging.RecordHandler;
import org.lorapipe.sweepservice.storage.SweepStore;

/**
 * {@code lora.sweep.requested}: checks a sweep, writes its plan, and answers with one training request
 * per run and the first progress event (every run queued), all in the transaction that commits the
 * request's offset. A refused sweep is answered by one {@code lora.pipeline.failed} (stage
 * {@code sweep}); one that is not JSON also goes to the dead-letter topic.
 */
public final class SweepIntake implements RecordHandler {
    private static final Logger LOG = Logger.getLogger(SweepIntake.class);

    private final InboundGate gate;
    private final SweepParser parser;
    private final SweepStore store;

    public SweepIntake(InboundGate gate, SweepParser parser, SweepStore store) {
        this.gate = gate;
        this.parser = parser;
        this.store = store;
    }

    @Override
    public List<OutgoingEvent> handle(ConsumerRecord<String, byte[]> record) {
        Admission<SweepExpansion> admission = gate.admit(record, parser::parse);
        if (admission instanceof Admission.Refused<SweepExpansion> refused) {
            return refused.answer();
        }
        SweepExpansion sweep = ((Admission.Admitted<SweepExpansion>) admission).input();
        SweepPlan plan = sweep.plan();
        Optional<SweepPlan> earlier = store.plan(plan.sweepId());
        if (earlier.isPresent() && !earlier.get().request().equals(plan.request())) {
            String message = "sweep " + plan.sweepId() + " already names another sweep (" + store.folder(plan.sweepId())
                    + "plan.json): nothing was published; send this sweep under a new sweepId";
            LOG.infof("refused %s: %s", plan.sweepId(), message);
            return List.of(gate.failure(plan.sweepId(), null, ErrorCodes.CONFLICT, message, List.of(), false));
        }
        if (earlier.isEmpty()) {
            store.writePlan(plan); // before the runs exist: their ends are recognised by it
        }
        List<OutgoingEvent> answer = new ArrayList<>();
        for (TrainingRequest request : sweep.requests()) {
            answer.add(OutgoingEvent.json(Topics.TRAINING_REQUESTED, request.requestId(), request));
        }
        SweepProgress accepted = new SweepProgress(
                PipelineEvent.SCHEMA_VERSION,
                plan.sweepId(),
                Instant.now(),
                plan.title(),
                plan.runs().size(),
                0,
                0,
                plan.settings(),
                plan.runs().stream().map(SweepRunStatus::queued).toList(),
                null);
        answer.add(OutgoingEvent.json(Topics.SWEEP_PROGRESS, plan.sweepId(), accepted));
        LOG.infof(
                "sweep %s: %d setting(s) x %d seed(s) = %d run(s) published",
                plan.sweepId(),
                plan.settings().size(),
                plan.seeds().size(),
                plan.runs().size());
        return answer;
    }

    @Override
    public List<OutgoingEvent> failed(ConsumerRecord<String, byte[]> record, RuntimeException e) {
        String key = record.key();
        return List.of(gate.failure(
                key,
                null,
                ErrorCodes.INTERNAL,
                "the sweep-service failed on this sweep (" + e + "); send it again, and report the bug if it repeats",
                List.of(),
                true));
    }
}
