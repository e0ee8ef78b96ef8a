package org.lorapipe.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.HashSet;
import java.util.Set;

/**
 * Free loopback ports for servers started in other processes.
 *
 * <p>The port is found by binding port 0 and closing the socket, so another process could take it
 * before our server binds it; the window is short and the servers fail loudly if it happens. Within
 * one JVM the same port is never handed out twice, so a broker and its controller (asked for one
 * after the other, before either binds) never collide.
 */
public final class Ports {

    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private Ports() {}

    /** A currently free TCP port on the loopback interface, not handed out before in this JVM. */
    public static synchronized int free() {
        for (int attempt = 0; attempt < 50; attempt++) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(false);
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                int port = socket.getLocalPort();
                if (HANDED_OUT.add(port)) {
                    return port;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot bind any loopback port", e);
            }
        }
        throw new IllegalStateException("no new free loopback port after 50 attempts");
    }

    /** True when something accepts TCP connections on host:port. */
    public static boolean isListening(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Fails early, with a fix, when another server holds the port: a probe would otherwise get its
     * answers from that server and take it for ours.
     */
    public static void requireNotListening(String host, int port, String what) {
        if (isListening(host, port)) {
            throw new IllegalStateException("cannot start " + what + " on " + host + ":" + port
                    + ": something already listens there (a server left running by `lora stack up`? stop it"
                    + " with `lora stack down`), or choose another port");
        }
    }

    /** True when host:port can be bound right now, i.e. no server holds it. */
    public static boolean isFree(String host, int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(host, port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
