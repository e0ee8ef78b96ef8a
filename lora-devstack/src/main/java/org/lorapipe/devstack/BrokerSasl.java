package org.lorapipe.devstack;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * SASL authentication for a {@link KafkaBroker}: every listener asks for a login.
 *
 * <ul>
 *   <li>The client listener is {@code SASL_PLAINTEXT} with SCRAM ({@code SCRAM-SHA-256} or
 *       {@code SCRAM-SHA-512}). Its users, the admin included, are written into the metadata log when the
 *       storage is formatted ({@code StorageTool format --add-scram}): KRaft has no other store for SCRAM
 *       credentials before the broker runs. A restart on a formatted data directory keeps the users it was
 *       formatted with (add more with {@code Admin.alterUserScramCredentials}).
 *   <li>The broker also logs in to itself over that listener (inter-broker traffic such as transaction
 *       markers) as the admin user.
 *   <li>The controller listener uses {@code PLAIN} with the admin user: KRaft controllers cannot check SCRAM
 *       logins (the credentials live in the metadata they serve).
 * </ul>
 *
 * There is no authorizer: any authenticated user may read and write. The broker is a development and test
 * broker; {@link #toString()} masks every password.
 *
 * @param mechanism SCRAM-SHA-256 or SCRAM-SHA-512
 * @param adminUser the broker's own user (inter-broker and controller)
 * @param adminPassword its password
 * @param users further client users, name to password
 */
public record BrokerSasl(String mechanism, String adminUser, String adminPassword, Map<String, String> users) {

    /** The SCRAM mechanisms a KRaft broker can check. */
    public static final Set<String> MECHANISMS = Set.of("SCRAM-SHA-256", "SCRAM-SHA-512");

    /** The client listener's name and security protocol. */
    static final String LISTENER = "SASL_PLAINTEXT";

    public BrokerSasl {
        List<String> problems = new ArrayList<>();
        if (!MECHANISMS.contains(mechanism)) {
            problems.add("mechanism '" + mechanism + "' is not one of " + MECHANISMS);
        }
        Map<String, String> all = new LinkedHashMap<>();
        if (adminUser != null) {
            all.put(adminUser, adminPassword);
        }
        all.putAll(Objects.requireNonNullElse(users, Map.of()));
        all.forEach((name, password) -> {
            // the storage tool's --add-scram syntax has no escapes: [name=N,password=P]
            if (name == null || !name.matches("[A-Za-z0-9._-]+")) {
                problems.add("user name '" + name + "' must be letters, digits, '.', '_' or '-'");
            }
            if (password == null || password.isEmpty() || !password.matches("[^\\s,\\[\\]\"\\\\=]+")) {
                problems.add("the password of '" + name + "' must be non-empty, without spaces, quotes, "
                        + "backslashes or any of ,[]=");
            }
        });
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid broker SASL settings: " + String.join("; ", problems));
        }
        users = Map.copyOf(Objects.requireNonNullElse(users, Map.of()));
    }

    /** SCRAM-SHA-256 with an admin user and one client user. */
    public static BrokerSasl scramSha256(String adminUser, String adminPassword, Map<String, String> users) {
        return new BrokerSasl("SCRAM-SHA-256", adminUser, adminPassword, users);
    }

    /**
     * What a client needs besides {@code bootstrap.servers} to log in as {@code user}: the security
     * protocol, the mechanism and the JAAS line with the password.
     */
    public Map<String, String> clientProperties(String user, String password) {
        return Map.of(
                "security.protocol", LISTENER,
                "sasl.mechanism", mechanism,
                "sasl.jaas.config", scramJaas(user, password));
    }

    /** {@link #clientProperties} of the admin user. */
    public Map<String, String> adminClientProperties() {
        return clientProperties(adminUser, adminPassword);
    }

    /** The {@code --add-scram} arguments of the storage formatter, one pair per user. */
    List<String> formatArguments() {
        List<String> args = new ArrayList<>();
        Map<String, String> all = new LinkedHashMap<>();
        all.put(adminUser, adminPassword);
        all.putAll(users);
        all.forEach((name, password) -> {
            args.add("--add-scram");
            args.add(mechanism + "=[name=" + name + ",password=" + password + "]");
        });
        return args;
    }

    /** The server.properties lines for a client listener on {@code host:port} and the controller listener. */
    List<String> serverProperties(String host, int port, int controllerPort) {
        String mech = mechanism.toLowerCase(java.util.Locale.ROOT);
        return List.of(
                "listeners=" + LISTENER + "://" + host + ":" + port + ",CONTROLLER://" + host + ":" + controllerPort,
                "advertised.listeners=" + LISTENER + "://" + host + ":" + port,
                "inter.broker.listener.name=" + LISTENER,
                "listener.security.protocol.map=" + LISTENER + ":" + LISTENER + ",CONTROLLER:SASL_PLAINTEXT",
                "sasl.enabled.mechanisms=" + mechanism,
                "sasl.mechanism.inter.broker.protocol=" + mechanism,
                "listener.name.sasl_plaintext." + mech + ".sasl.jaas.config=" + scramJaas(adminUser, adminPassword),
                "sasl.mechanism.controller.protocol=PLAIN",
                "listener.name.controller.sasl.enabled.mechanisms=PLAIN",
                "listener.name.controller.plain.sasl.jaas.config="
                        + "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + adminUser
                        + "\" password=\"" + adminPassword + "\" user_" + adminUser + "=\"" + adminPassword + "\";");
    }

    private static String scramJaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\""
                + password + "\";";
    }

    /** Never prints a password. */
    @Override
    public String toString() {
        return "BrokerSasl[mechanism=" + mechanism + ", adminUser=" + adminUser + ", users=" + users.keySet() + "]";
    }
}
