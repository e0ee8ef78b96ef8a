package org.lorapipe.service.messaging;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.lorapipe.contract.event.EventParser;
import org.lorapipe.service.config.ServiceConfig;

/** The contract's parsers as beans, bound to the configured bucket. */
public class ContractBeans {
    @Produces
    @Singleton
    EventParser eventParser(ServiceConfig config) {
        return new EventParser(config.bucket());
    }
}
