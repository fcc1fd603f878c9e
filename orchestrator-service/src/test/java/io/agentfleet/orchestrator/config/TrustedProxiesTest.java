package io.agentfleet.orchestrator.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.agentfleet.messages.config.ConfigException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which address counts as the client's, and what the trusted-proxies setting accepts. */
class TrustedProxiesTest {
    static final String KEY = "fleet.orchestrator.trusted-proxies";

    final TrustedProxies proxies = TrustedProxies.parse(KEY, "10.0.0.0/8, 192.168.1.7, fd00::/8");

    @Test
    void anUntrustedPeerIsTheClientWhateverItForwards() {
        assertEquals("203.0.113.5", proxies.clientAddress(ip("203.0.113.5"), List.of("198.51.100.1")));
        assertEquals("1.2.3.4", TrustedProxies.none().clientAddress(ip("1.2.3.4"), List.of("5.6.7.8")));
    }

    @Test
    void behindTrustedProxiesTheRightmostUntrustedHopIsTheClient() {
        assertEquals(
                "198.51.100.9",
                proxies.clientAddress(ip("10.1.2.3"), List.of("6.6.6.6, 198.51.100.9, 10.9.9.9", "192.168.1.7")));
        assertEquals("2001:db8:0:0:0:0:0:1", proxies.clientAddress(ip("fd00::1"), List.of("2001:db8::1")));
        assertEquals("10.1.2.3", proxies.clientAddress(ip("10.1.2.3"), List.of()), "no header: the peer");
        assertEquals(
                "10.1.2.3",
                proxies.clientAddress(ip("10.1.2.3"), List.of("example.com")),
                "a name is never resolved: the peer");
        assertEquals("10.2.2.2", proxies.clientAddress(ip("10.1.2.3"), List.of("10.2.2.2, 10.3.3.3")));
    }

    @Test
    void aBadEntryFailsStartUpNamingIt() {
        for (String bad : List.of("10.0.0.0/33", "example.com", "10.0.0/8", "300.1.1.1", "fd00::/129", "1.2.3.4/x")) {
            ConfigException e = assertThrows(ConfigException.class, () -> TrustedProxies.parse(KEY, bad));
            assertEquals(
                    KEY + " must list IP addresses or CIDR blocks (10.0.0.0/8), but contained '" + bad + "'",
                    e.getMessage());
        }
    }

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
