package org.lorapipe.service.consumer;

import org.lorapipe.contract.event.PipelineEvent;

/**
 * The outcome of a successful job: the event to publish on {@code topic} and the words for the job
 * view ({@code summary}).
 */
public record StageResult(String topic, PipelineEvent event, String summary) {}
