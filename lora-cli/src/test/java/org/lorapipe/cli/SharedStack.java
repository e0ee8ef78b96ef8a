package org.lorapipe.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.lorapipe.cli.stack.EmbeddedStack;
import org.lorapipe.cli.stack.ServiceSpec;
import org.lorapipe.cli.stack.StackPorts;
import org.lorapipe.devstack.InfraJars;
import org.lorapipe.devstack.Ports;

/**
 * One embedded stack for every end-to-end test in the JVM: two replicas of each stage, one
 * sweep-service and the console, as real processes on a real broker and S3 server, on free ports.
 * Booting a stack is the costliest part of these tests (ten JVMs on a 2-core CI machine); the tests
 * share one and none depends on another having run, each uploads what it uses and looks only at its
 * own requests. The stack stops when the last test of the JVM is done; its logs stay in
 * {@code lora-cli/target/it-stack-*} for a failure's post-mortem.
 *
 * <p>Every service reports each training step (the chaos test recognises a trainer mid-training and
 * compares losses step by step) and appends its spans to {@link #traces()} ({@link RunTrace}).
 */
final class SharedStack implements ExtensionContext.Store.CloseableResource {
    private static final int STAGE_REPLICAS = 2;

    private EmbeddedStack stack;
    private Path root;
    private Path traces;

    /** The running stack. */
    EmbeddedStack stack() {
        return stack;
    }

    /** The project's checkout. */
    Path root() {
        return root;
    }

    /** The file every service appends its spans to. */
    Path traces() {
        return traces;
    }

    /** Gives a test method its {@code SharedStack} parameter: started by the first test that asks. */
    static final class Resolver implements ParameterResolver {
        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == SharedStack.class;
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
            return context.getRoot() // closed when the JVM's last test is done
                    .getStore(ExtensionContext.Namespace.create(SharedStack.class))
                    .getOrComputeIfAbsent(SharedStack.class, k -> started(), SharedStack.class);
        }
    }

    private static SharedStack started() {
        SharedStack shared = new SharedStack();
        try {
            shared.root = InfraJars.locate().root();
            Path dir = Files.createDirectories(shared.root.resolve("lora-cli/target"))
                    .resolve("it-stack-" + ProcessHandle.current().pid());
            shared.traces = dir.resolve("traces.jsonl");
            List<String> properties = new ArrayList<>(RunTrace.serviceProperties(shared.traces));
            properties.add("lora.trainer.progress-interval-ms=0");
            shared.stack =
                    new EmbeddedStack(shared.root, dir.resolve("stack"), ports(), System.out, List.copyOf(properties));
            shared.stack.up();
            return shared;
        } catch (Exception e) {
            if (shared.stack != null) {
                shared.stack.down();
            }
            throw new IllegalStateException("the end-to-end tests' stack did not start: " + e.getMessage(), e);
        }
    }

    /** Two replicas of each stage, one of the sweep-service and the console, every one on a free port. */
    private static StackPorts ports() {
        List<ServiceSpec> services = new ArrayList<>();
        for (ServiceSpec s : ServiceSpec.replicas(STAGE_REPLICAS)) {
            if (ServiceSpec.MODULES.contains(s.module()) || s.replica() == 1) {
                services.add(new ServiceSpec(s.module(), s.replica(), Ports.free()));
            }
        }
        return new StackPorts(Ports.free(), Ports.free(), Ports.free(), services);
    }

    @Override
    public void close() {
        stack.down();
    }
}
