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
 * One embedded stack for every end-to-end test in the JVM: the six services, one replica each, as real
 * processes on a real broker and S3 server, on free ports; a test that needs more replicas adds them
 * ({@link #withStageReplicas}). Booting a stack is the costliest part of these tests (a JVM per service
 * on a 2-core CI machine); the tests share one, and none depends on another having run: each uploads
 * what it uses and looks only at its own requests. The stack stops when the last test of the JVM is
 * done; its logs stay in {@code lora-e2e/target/it-stack-*} for a failure's post-mortem.
 *
 * <p>Every service reports each training step (the chaos test recognises a trainer mid-training and
 * compares losses step by step) and appends its spans to {@link #traces()} ({@link RunTrace}).
 */
final class SharedStack implements ExtensionContext.Store.CloseableResource {
    private EmbeddedStack stack;
    private Path root;
    private Path dir;
    private Path traces;
    private List<String> properties;
    private StackPorts ports;

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
            shared.dir = Files.createDirectories(shared.root.resolve("lora-e2e/target"))
                    .resolve("it-stack-" + ProcessHandle.current().pid());
            shared.traces = shared.dir.resolve("traces.jsonl");
            List<String> properties = new ArrayList<>(RunTrace.serviceProperties(shared.traces));
            properties.add("lora.trainer.progress-interval-ms=0");
            shared.properties = List.copyOf(properties);
            List<ServiceSpec> services = ServiceSpec.ALL.stream()
                    .map(s -> new ServiceSpec(s.module(), Ports.free()))
                    .toList();
            shared.ports = new StackPorts(Ports.free(), Ports.free(), Ports.free(), services);
            shared.stack = shared.open(shared.ports);
            shared.stack.up();
            return shared;
        } catch (Exception e) {
            if (shared.stack != null) {
                shared.stack.down();
            }
            throw new IllegalStateException("the end-to-end tests' stack did not start: " + e.getMessage(), e);
        }
    }

    /**
     * The stack with {@code n} replicas of each of the four stages, started where missing (the sweep-service
     * and the console stay one); the stack's later {@code up()} calls keep them all running.
     */
    EmbeddedStack withStageReplicas(int n) {
        List<ServiceSpec> services = new ArrayList<>(ports.services());
        for (int r = 2; r <= n; r++) {
            for (String module : ServiceSpec.MODULES) {
                int replica = r;
                if (services.stream().noneMatch(s -> s.module().equals(module) && s.replica() == replica)) {
                    services.add(new ServiceSpec(module, replica, Ports.free()));
                }
            }
        }
        ports = new StackPorts(ports.kafka(), ports.controller(), ports.s3(), services);
        stack = open(ports); // the same directory: what runs is kept, the new replicas start
        stack.up();
        return stack;
    }

    private EmbeddedStack open(StackPorts with) {
        return new EmbeddedStack(root, dir.resolve("stack"), with, System.out, properties);
    }

    @Override
    public void close() {
        stack.down();
    }
}
