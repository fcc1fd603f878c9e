package io.agentfleet.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Picks a currently free loopback port. Another process may still take it: callers retry. */
final class FreePort {

    static final int CLUSTER_BUS_OFFSET = 10_000;
    private static final int MAX_PORT = 65_535;

    private FreePort() {}

    /**
     * A free port whose cluster bus port (port + 10000, Redis' default, the only choice before 7.0)
     * is free as well.
     */
    static int pickWithBusPort() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = pick();
            if (port + CLUSTER_BUS_OFFSET <= MAX_PORT && isFree(port + CLUSTER_BUS_OFFSET)) {
                return port;
            }
        }
        throw new IllegalStateException("found no free loopback port p with p + 10000 free as well");
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static int pick() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("could not find a free loopback port", e);
        }
    }
}
