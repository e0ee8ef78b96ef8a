package org.lorapipe.cli;

import java.nio.file.Path;
import org.lorapipe.devstack.S3Server;
import org.lorapipe.storage.ObjectStore;
import org.lorapipe.storage.StorageConfig;

/**
 * A real S3 server (s3proxy on the file system) for one test class: bucket {@code lora}, an
 * {@link ObjectStore} to fill it, and its keys given to the in-process commands as a user would
 * ({@link Cli#useS3Keys}); closing takes the keys away and stops the server.
 */
final class LocalS3 implements AutoCloseable {

    private final S3Server server;
    private final ObjectStore store;

    private LocalS3(S3Server server, ObjectStore store) {
        this.server = server;
        this.store = store;
    }

    static LocalS3 start(Path dir) {
        S3Server server = S3Server.start(S3Server.Options.local(dir));
        server.createBucket("lora");
        S3Server.Options o = server.options();
        ObjectStore store = new ObjectStore(
                new StorageConfig(server.endpoint(), o.accessKey(), o.secretKey(), "lora", "us-east-1"));
        Cli.useS3Keys(o.accessKey(), o.secretKey());
        return new LocalS3(server, store);
    }

    String endpoint() {
        return server.endpoint();
    }

    ObjectStore store() {
        return store;
    }

    @Override
    public void close() {
        Cli.forgetS3Keys();
        store.close();
        server.close();
    }
}
