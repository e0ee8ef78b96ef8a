package org.lorapipe.sweepservice.messaging;

import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.lorapipe.service.consumer.OutgoingEvent;

/**
 * What one {@link TransactionalLoop} does with a record: the records to publish in the transaction that
 * also commits its offset (none is a valid answer). Called on the loop's thread, one record at a time, in
 * partition order.
 */
public interface RecordHandler {

    /**
     * @throws RuntimeException a transient failure (object storage not answering, see
     *     {@code JobFailures.isTransient}) makes the loop try the record again later; any other is a bug,
     *     answered by {@link #failed}
     */
    List<OutgoingEvent> handle(ConsumerRecord<String, byte[]> record);

    /** The answer to a record {@link #handle} failed on unexpectedly (e.g. a failure event); may be none. */
    default List<OutgoingEvent> failed(ConsumerRecord<String, byte[]> record, RuntimeException e) {
        return List.of();
    }
}
