package org.lorapipe.service.messaging;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.lorapipe.contract.event.EventParser;
import org.lorapipe.service.config.StorageSettings;

/** The contract's parsers as beans, bound to the configured bucket (every request URI must point into it). */
public class ContractBeans {
    @Produces
    @Singleton
    EventParser eventParser(StorageSettings storage) {
        return new EventParser(storage.bucket());
    }
}
