package org.lorapipe.cli.stack;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.lorapipe.devstack.InfraJars;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lora stack up | down | status}. */
@Command(
        name = "stack",
        mixinStandardHelpOptions = true,
        description = {
            "Run the embedded default: Kafka on 127.0.0.1:9092, S3 on 127.0.0.1:9000 (minioadmin/minioadmin,"
                    + " bucket lora) and the four services on 8081-8084, as background processes."
        },
        subcommands = {StackCommand.Up.class, StackCommand.Down.class, StackCommand.Status.class})
public final class StackCommand {
    @Option(
            names = "--dir",
            paramLabel = "DIR",
            scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "Data and logs of the stack (default: $LORA_STACK_DIR or .lora/ in the project).")
    Path dir;

    EmbeddedStack stack() {
        return stackAt(dir);
    }

    /** The embedded stack in {@code dir}, or in $LORA_STACK_DIR, or in .lora/ of the project. */
    public EmbeddedStack stackAt(Path dir) {
        Path root = InfraJars.locate().root();
        Path where = dir != null
                ? dir
                : System.getenv("LORA_STACK_DIR") != null
                        ? Path.of(System.getenv("LORA_STACK_DIR"))
                        : root.resolve(".lora");
        return new EmbeddedStack(root, where, StackPorts.DEFAULT, System.out);
    }

    @Command(
            name = "up",
            mixinStandardHelpOptions = true,
            description = "Start what is not running yet and wait until all is healthy; prints the endpoints.")
    static final class Up implements Callable<Integer> {
        @picocli.CommandLine.ParentCommand
        StackCommand parent;

        @Override
        public Integer call() {
            parent.stack().up();
            return 0;
        }
    }

    @Command(
            name = "down",
            mixinStandardHelpOptions = true,
            description = "Stop every process of the stack and free its ports; data stays in the stack folder.")
    static final class Down implements Callable<Integer> {
        @picocli.CommandLine.ParentCommand
        StackCommand parent;

        @Override
        public Integer call() {
            parent.stack().down();
            return 0;
        }
    }

    @Command(
            name = "status",
            mixinStandardHelpOptions = true,
            description = "Show what runs; exit 0 when every component is healthy, 3 otherwise.")
    static final class Status implements Callable<Integer> {
        @picocli.CommandLine.ParentCommand
        StackCommand parent;

        @Override
        public Integer call() {
            return parent.stack().status() ? 0 : 3;
        }
    }
}
