package org.lorapipe.dataset;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.jwt.build.Jwt;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.lorapipe.service.testing.SampleEvents;
import org.lorapipe.service.testing.TestKeys;
import org.lorapipe.testkit.LoraInfraTestResource;
import org.lorapipe.testkit.NeedsInfra;

/**
 * {@code lora.auth.mode=oidc}, offline: quarkus-oidc verifies JWTs against a public key given in its
 * configuration (no provider to discover), and this test signs them with the private half. A token that
 * is expired, signed by another key, or a static key, is refused. Its own application start (a profile).
 */
@QuarkusTest
@TestProfile(OidcAuthTest.Oidc.class)
@QuarkusTestResource(LoraInfraTestResource.class)
@NeedsInfra
class OidcAuthTest {
    static final String ISSUER = "https://issuer.lora.test";

    /** The OIDC mode with this test's public key; no stage consumer, only the HTTP API is looked at. */
    public static class Oidc implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "lora.auth.mode",
                    "oidc",
                    "quarkus.oidc.public-key",
                    SigningKey.publicKey(),
                    "quarkus.oidc.token.issuer",
                    ISSUER,
                    "lora.stage.enabled",
                    "false");
        }
    }

    @Test
    void aTokenSignedByTheConfiguredKeyIsAcceptedAndItsGroupsAreRoles() {
        String alice = token("alice", Set.of("submit"), Instant.now().plusSeconds(300), SigningKey.privateKey());
        given().auth().oauth2(alice).get("/api/jobs").then().statusCode(200).body("held.size()", equalTo(0));
        String id = "oidc-" + UUID.randomUUID().toString().substring(0, 8);
        given().auth()
                .oauth2(alice)
                .contentType("application/json")
                .body(SampleEvents.requestJson(id))
                .post("/api/requests")
                .then()
                .statusCode(202)
                .body("requestId", equalTo(id));

        String reader = token("carol", Set.of(), Instant.now().plusSeconds(300), SigningKey.privateKey());
        given().auth()
                .oauth2(reader)
                .contentType("application/json")
                .body(SampleEvents.requestJson(id))
                .post("/api/requests")
                .then()
                .statusCode(403);
    }

    @Test
    void anExpiredTokenAForeignSignatureAndAStaticKeyAreRefused() throws Exception {
        String expired = token("alice", Set.of("submit"), Instant.now().minusSeconds(3600), SigningKey.privateKey());
        given().auth()
                .oauth2(expired)
                .get("/api/jobs")
                .then()
                .statusCode(401)
                .header("WWW-Authenticate", equalTo("Bearer"));

        PrivateKey foreign =
                KeyPairGenerator.getInstance("RSA").generateKeyPair().getPrivate();
        String forged = token("alice", Set.of("admin"), Instant.now().plusSeconds(300), foreign);
        given().auth().oauth2(forged).get("/api/jobs").then().statusCode(401);

        given().auth().oauth2(TestKeys.ADMIN).get("/api/jobs").then().statusCode(401);
        given().get("/api/jobs").then().statusCode(401);
        given().get("/q/health/live").then().statusCode(200);
    }

    private static String token(String user, Set<String> groups, Instant expires, PrivateKey key) {
        return Jwt.issuer(ISSUER)
                .upn(user)
                .groups(groups)
                .issuedAt(expires.minusSeconds(600))
                .expiresAt(expires)
                .sign(key);
    }

    /**
     * One RSA key pair per JVM, kept in system properties: the profile (read while the application is
     * built) and the test (run in the application's class loader) see the same pair.
     */
    static final class SigningKey {
        private static final String PUBLIC = "lora.test.oidc.public-key";
        private static final String PRIVATE = "lora.test.oidc.private-key";

        static synchronized String publicKey() {
            ensure();
            return System.getProperty(PUBLIC);
        }

        static synchronized PrivateKey privateKey() {
            ensure();
            try {
                return KeyFactory.getInstance("RSA")
                        .generatePrivate(
                                new PKCS8EncodedKeySpec(Base64.getDecoder().decode(System.getProperty(PRIVATE))));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        private static void ensure() {
            if (System.getProperty(PUBLIC) != null) {
                return;
            }
            try {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(2048);
                KeyPair pair = generator.generateKeyPair();
                System.setProperty(
                        PRIVATE,
                        Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded()));
                System.setProperty(
                        PUBLIC,
                        Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
