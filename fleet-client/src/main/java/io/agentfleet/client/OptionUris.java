package io.agentfleet.client;

import java.net.URI;
import java.net.URISyntaxException;

/** Parsing, checking and redacting the URIs of {@link FleetClientOptions}; a password is never part of a message. */
final class OptionUris {
    private OptionUris() {}

    /** Parses {@code value} as a URI; a malformed one fails without echoing it. */
    static URI parse(String name, String value) {
        try {
            return new URI(value.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(name + " is not a valid URI (" + e.getReason() + ")");
        }
    }

    static String redact(URI uri) {
        String info = uri.getRawUserInfo();
        if (info == null) {
            return uri.toString();
        }
        int colon = info.indexOf(':');
        String shown = colon < 0 ? "***" : info.substring(0, colon) + ":***";
        try {
            return new URI(uri.getScheme(), shown, uri.getHost(), uri.getPort(), uri.getPath(), null, null).toString();
        } catch (URISyntaxException e) {
            return uri.getScheme() + "://***@" + uri.getHost();
        }
    }

    /** {@code uri} without a trailing slash, after checking it is an http(s) URI of a host without query or fragment. */
    static URI requireHttpUri(URI uri) {
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
            throw new IllegalArgumentException("orchestratorUri must use http:// or https://, but was " + redact(uri));
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("orchestratorUri must name a host, but was " + redact(uri));
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException(
                    "orchestratorUri must have no query or fragment, but was " + redact(uri));
        }
        String text = uri.toString();
        return text.endsWith("/") ? URI.create(text.substring(0, text.length() - 1)) : uri;
    }
}
