package org.lorapipe.sweepservice.storage;

import org.lorapipe.contract.sweep.SweepRunEnded;

/**
 * A run's end as {@code sweeps/{id}/runs/{n}.json} holds it: the event, and the record of
 * {@code lora.sweep.runs} it was taken from ({@code topic-partition@offset}). The same record seen again
 * (its answer was never committed) is handled again; another record for a run that already ended (its
 * request was sent again) changes nothing.
 */
public record RecordedRunEnd(SweepRunEnded end, String from) {}
