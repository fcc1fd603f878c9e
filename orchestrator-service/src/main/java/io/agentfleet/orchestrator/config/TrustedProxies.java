package io.agentfleet.orchestrator.config;

import io.agentfleet.messages.config.ConfigException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The proxies whose {@code X-Forwarded-For} the orchestrator believes (IP addresses and CIDR blocks); none by default,
 * because any client can write that header. Behind a trusted proxy the client is the rightmost forwarded address that
 * is not itself a trusted proxy: the one the nearest trusted proxy appended, not what the client claimed.
 *
 * @param blocks the trusted networks
 */
public record TrustedProxies(List<Block> blocks) {
    private static final String OCTET = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
    private static final Pattern IPV4 = Pattern.compile(OCTET + "(\\." + OCTET + "){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    /** A network: {@code prefix} leading bits of {@code address}. */
    public record Block(InetAddress address, int prefix) {
        boolean contains(InetAddress candidate) {
            byte[] network = address.getAddress();
            byte[] other = candidate.getAddress();
            if (network.length != other.length) {
                return false;
            }
            for (int bit = 0; bit < prefix; bit++) {
                int mask = 0x80 >>> (bit % 8);
                if ((network[bit / 8] & mask) != (other[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }

    public TrustedProxies {
        blocks = List.copyOf(blocks);
    }

    public static TrustedProxies none() {
        return new TrustedProxies(List.of());
    }

    /** {@code 10.0.0.0/8, 192.168.1.7, fd00::/8}; a bad entry fails start-up naming {@code key} and the entry. */
    public static TrustedProxies parse(String key, String value) {
        List<Block> blocks = new ArrayList<>();
        for (String entry : value.isBlank() ? new String[0] : value.trim().split("\\s*,\\s*")) {
            int slash = entry.indexOf('/');
            Optional<InetAddress> address = literal(slash < 0 ? entry : entry.substring(0, slash));
            int bits = address.map(a -> a.getAddress().length * 8).orElse(0);
            int prefix = slash < 0 ? bits : prefixOf(entry.substring(slash + 1));
            if (address.isEmpty() || prefix < 0 || prefix > bits) {
                throw new ConfigException(
                        key,
                        key + " must list IP addresses or CIDR blocks (10.0.0.0/8), but contained '" + entry + "'");
            }
            blocks.add(new Block(address.get(), prefix));
        }
        return new TrustedProxies(blocks);
    }

    /**
     * The client's address: {@code peer} itself unless it is a trusted proxy; then the rightmost entry of the
     * {@code X-Forwarded-For} values that is not a trusted proxy (the peer when there is none or it is not an IP).
     */
    public String clientAddress(InetAddress peer, List<String> forwardedFor) {
        if (!trusts(peer)) {
            return peer.getHostAddress();
        }
        List<String> hops = new ArrayList<>();
        for (String value : forwardedFor) {
            for (String hop : value.split(",")) {
                hops.add(hop.trim());
            }
        }
        for (int i = hops.size() - 1; i >= 0; i--) {
            Optional<InetAddress> hop = literal(hops.get(i));
            if (hop.isEmpty()) {
                break;
            }
            if (!trusts(hop.get()) || i == 0) {
                return hop.get().getHostAddress();
            }
        }
        return peer.getHostAddress();
    }

    private boolean trusts(InetAddress address) {
        return blocks.stream().anyMatch(block -> block.contains(address));
    }

    /** An IP literal, never a name: a name would cost a DNS lookup for a value any client can send. */
    private static Optional<InetAddress> literal(String text) {
        if (!IPV4.matcher(text).matches() && !IPV6.matcher(text).matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(text));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    private static int prefixOf(String text) {
        try {
            return text.length() > 3 ? -1 : Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
