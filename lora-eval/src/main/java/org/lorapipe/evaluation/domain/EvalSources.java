package org.lorapipe.evaluation.domain;

import java.nio.file.Path;

/**
 * Where a task's inputs are, as local files: the consumer downloads {@code s3://} benchmark files and
 * the dataset's validation split and hands them over through this interface, so the domain never
 * talks to S3.
 */
public interface EvalSources {

    /** The local copy of a task's {@code uri} (benchmark or generation-check file). */
    Path file(String uri);

    /** The directory holding the dataset's {@code validation-NNNNN.bin} shards. */
    Path validationDir();

    /** Plain local paths: {@code uri} is a path; validation shards in {@code validationDir}. */
    static EvalSources local(Path validationDir) {
        return new EvalSources() {
            @Override
            public Path file(String uri) {
                if (uri.startsWith("s3:")) {
                    throw new IllegalArgumentException("local evaluation sources cannot read " + uri);
                }
                return Path.of(
                        uri.startsWith("file:") ? java.net.URI.create(uri).getPath() : uri);
            }

            @Override
            public Path validationDir() {
                if (validationDir == null) {
                    throw new IllegalArgumentException("the perplexity task needs the dataset's validation split");
                }
                return validationDir;
            }
        };
    }
}
