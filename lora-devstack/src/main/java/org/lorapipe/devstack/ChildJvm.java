package org.lorapipe.devstack;

import java.util.Arrays;
import java.util.List;

/**
 * Extra options for every JVM the stack starts (broker, S3 server, services), from the system property
 * {@value #PROPERTY} (space-separated). Unset for {@code lora stack}; the build sets it for the processes
 * its tests start ({@code -XX:TieredStopAtLevel=1}: a process that lives for a test spends more CPU in
 * the C2 compiler than C2's code saves it, measured 15-30% less CPU on the services' tests).
 */
public final class ChildJvm {
    /** The system property that holds the options. */
    public static final String PROPERTY = "lora.devstack.jvm-options";

    private ChildJvm() {}

    /** The options, in order; empty when the property is unset or blank. */
    public static List<String> options() {
        String value = System.getProperty(PROPERTY, "").trim();
        return value.isEmpty() ? List.of() : Arrays.asList(value.split("\\s+"));
    }
}
