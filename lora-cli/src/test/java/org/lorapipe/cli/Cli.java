package org.lorapipe.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.lorapipe.testkit.TestData;
import picocli.CommandLine;

/** Runs the {@code lora} command line in-process and captures what it prints. */
final class Cli {

    /** Exit code, stdout (the raw bytes as UTF-8, System.out and picocli's writer) and stderr. */
    record Run(int code, String out, String err) {}

    private Cli() {}

    static synchronized Run run(String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        PrintStream previous = System.out;
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            CommandLine cli = LoraCommand.commandLine();
            cli.setOut(new PrintWriter(out, true));
            cli.setErr(new PrintWriter(err, true));
            int code = cli.execute(args);
            return new Run(code, bytes.toString(StandardCharsets.UTF_8) + out, err.toString());
        } finally {
            System.setOut(previous);
        }
    }

    /**
     * Gives the in-process commands S3 keys as a user would without putting them on the command line: the
     * {@code lora.s3.*} system properties. {@link #forgetS3Keys()} takes them away again.
     */
    static void useS3Keys(String accessKey, String secretKey) {
        System.setProperty("lora.s3.access-key", accessKey);
        System.setProperty("lora.s3.secret-key", secretKey);
    }

    static void forgetS3Keys() {
        System.clearProperty("lora.s3.access-key");
        System.clearProperty("lora.s3.secret-key");
    }

    /** The test data (see {@link TestData}). */
    static Path data() {
        return TestData.root();
    }

    static Path stories() {
        return data().resolve("models/stories260K");
    }
}
