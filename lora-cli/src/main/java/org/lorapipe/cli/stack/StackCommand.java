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
                    + " bucket lora), the four services on 8081-8084, the sweep-service on 8181 and the web console on 8180, as background processes."
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
        return stackAt(dir, 1);
    }

    /** The embedded stack in {@code dir}, or in $LORA_STACK_DIR, or in .lora/ of the project. */
    public EmbeddedStack stackAt(Path dir) {
        return stackAt(dir, 1);
    }

    /** The same, with {@code replicas} replicas of every service. */
    public EmbeddedStack stackAt(Path dir, int replicas) {
        Path root = InfraJars.locate().root();
        Path where = dir != null
                ? dir
                : System.getenv("LORA_STACK_DIR") != null
                        ? Path.of(System.getenv("LORA_STACK_DIR"))
                        : root.resolve(".lora");
        return new EmbeddedStack(root, where, StackPorts.withReplicas(replicas), System.out);
    }

    @Command(
            name = "up",
            mixinStandardHelpOptions = true,
            description = "Start what is not running yet and wait until all is healthy; prints the endpoints.")
    static final class Up implements Callable<Integer> {
        @picocli.CommandLine.ParentCommand
        StackCommand parent;

        @Option(
                names = "--replicas",
                paramLabel = "N",
                defaultValue = "1",
                description = "Replicas of every service (default: ${DEFAULT-VALUE}). The first ones listen on"
                        + " 8081-8084, the next on the ports after 8084. They share each stage's consumer group:"
                        + " a stage's input partitions (6) are split between them.")
        int replicas;

        @Override
        public Integer call() {
            if (replicas < 1 || replicas > 6) {
                throw new picocli.CommandLine.ParameterException(
                        new picocli.CommandLine(this),
                        "--replicas must be between 1 and 6 (a stage's input topic has 6 partitions), got " + replicas);
            }
            parent.stackAt(parent.dir, replicas).up();
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
            description = "Show every component and replica with its pid, port, state and the request ids it"
                    + " holds; exit 0 when every component is healthy, 3 otherwise.")
    static final class Status implements Callable<Integer> {
        @picocli.CommandLine.ParentCommand
        StackCommand parent;

        @Option(names = "--json", description = "Print the same as JSON.")
        boolean json;

        @Override
        public Integer call() {
            return parent.stack().status(json) ? 0 : 3;
        }
    }
}
