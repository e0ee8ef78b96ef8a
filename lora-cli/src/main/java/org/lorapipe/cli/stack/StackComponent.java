package org.lorapipe.cli.stack;

/**
 * One process of the embedded stack, as recorded in {@code .lora/stack.json}.
 *
 * @param name broker, s3 or a service name
 * @param pid operating-system process id
 * @param port the port it serves
 * @param health an HTTP health URL, or null when an open port is the health signal
 * @param log its log file
 */
public record StackComponent(String name, long pid, int port, String health, String log) {
    public boolean alive() {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
