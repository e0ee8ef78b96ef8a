package org.lorapipe.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.lorapipe.devstack.S3Server;
import org.lorapipe.storage.ObjectStore;
import org.lorapipe.storage.StorageConfig;

/**
 * A real S3 server (s3proxy on the file system) for one test class, as a JUnit extension
 * ({@code @RegisterExtension static final LocalS3 S3 = new LocalS3();}): bucket {@code lora}, an
 * {@link ObjectStore} to fill it, and its keys given to the in-process commands as a user would
 * ({@link Cli#useS3Keys}); after the class the keys are taken away and the server stops.
 */
final class LocalS3 implements BeforeAllCallback, AfterAllCallback {

    private S3Server server;
    private ObjectStore store;
    private Path dir;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        dir = Files.createTempDirectory("local-s3-");
        server = S3Server.start(S3Server.Options.local(dir.resolve("s3")));
        server.createBucket("lora");
        S3Server.Options o = server.options();
        store = new ObjectStore(
                new StorageConfig(server.endpoint(), o.accessKey(), o.secretKey(), "lora", "us-east-1"));
        Cli.useS3Keys(o.accessKey(), o.secretKey());
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        Cli.forgetS3Keys();
        if (store != null) {
            store.close();
        }
        if (server != null) {
            server.close();
        }
        ModelLocation.deleteTree(dir);
    }

    String endpoint() {
        return server.endpoint();
    }

    ObjectStore store() {
        return store;
    }
}
