package org.lorapipe.service.auth;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Turns quarkus-oidc's default tenant on exactly when {@code lora.auth.mode=oidc}, so that choosing the
 * mode is one setting: with the tenant on and no {@code quarkus.oidc.auth-server-url} or public key the
 * service would not start, and a disabled tenant never claims a request. An explicit
 * {@code quarkus.oidc.tenant-enabled} (environment, system property) still wins: its ordinal is below
 * theirs and below application.properties. Registered in META-INF/services.
 */
public class OidcSwitch implements ConfigSourceFactory {
    static final String TENANT_ENABLED = "quarkus.oidc.tenant-enabled";

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        ConfigValue mode = context.getValue("lora.auth.mode");
        boolean oidc = mode != null
                && mode.getValue() != null
                && mode.getValue().strip().toLowerCase(Locale.ROOT).equals("oidc");
        return List.of(new PropertiesConfigSource(Map.of(TENANT_ENABLED, String.valueOf(oidc)), "lora.auth.mode", 200));
    }
}
