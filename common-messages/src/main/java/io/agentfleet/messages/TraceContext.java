package io.agentfleet.messages;

/** W3C trace context carried across every hop: {@code traceparent} and the optional {@code tracestate}. */
public record TraceContext(String traceparent, String tracestate) {
    public TraceContext {
        if (traceparent == null || traceparent.isBlank()) {
            throw new InvalidMessageException("trace.traceparent", "must be present when trace is given");
        }
    }
}
