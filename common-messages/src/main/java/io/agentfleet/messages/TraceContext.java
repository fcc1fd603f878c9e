package io.agentfleet.messages;

/**
 * W3C trace context carried across every hop: {@code traceparent} and the optional {@code tracestate}. A
 * {@code traceparent} is a non-empty string of visible ASCII characters (no spaces), as the published schema states;
 * its W3C format is not checked here (a tracer that cannot parse it starts a new trace).
 */
public record TraceContext(String traceparent, String tracestate) {
    public TraceContext {
        if (traceparent == null || traceparent.isEmpty()) {
            throw new InvalidMessageException("trace.traceparent", "must be present when trace is given");
        }
        if (!isVisibleAscii(traceparent)) {
            throw new InvalidMessageException(
                    "trace.traceparent",
                    "'" + Names.abbreviate(traceparent) + "' must be visible ASCII characters only (no spaces)");
        }
    }

    private static boolean isVisibleAscii(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '!' || c > '~') {
                return false;
            }
        }
        return true;
    }
}
