package org.lorapipe.service.consumer;

import org.lorapipe.contract.event.EventParser;
import org.lorapipe.contract.event.PipelineEvent;
import org.lorapipe.contract.request.TrainingRequest;

/**
 * A stage whose input is an event of the pipeline (every stage after the first): the event is read by
 * the {@link EventParser} as its type and carries its request. The stage adds what it does.
 */
public abstract class EventStageHandler<E extends PipelineEvent> implements StageHandler<E> {
    private final EventParser parser;
    private final Class<E> type;

    protected EventStageHandler(EventParser parser, Class<E> type) {
        this.parser = parser;
        this.type = type;
    }

    @Override
    public E parse(String json) {
        return parser.parse(json, type);
    }

    @Override
    public TrainingRequest request(E input) {
        return input.request();
    }
}
