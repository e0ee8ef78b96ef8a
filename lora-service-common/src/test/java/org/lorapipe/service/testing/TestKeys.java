package org.lorapipe.service.testing;

/**
 * The static API keys the services' Quarkus tests run with (this test-jar's
 * META-INF/microprofile-config.properties): two users with the role submit and one admin.
 */
public final class TestKeys {
    public static final String ALICE = "alice-test-key-0001";
    public static final String BOB = "bob-test-key-0002";
    /** The principal {@code ops}, role admin. */
    public static final String ADMIN = "ops-test-key-0003";

    private TestKeys() {}
}
