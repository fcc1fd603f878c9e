package io.agentfleet.lettuce;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Classifies Redis errors by their reply prefix. */
public final class RedisErrors {
    private RedisErrors() {}

    public static Throwable unwrap(Throwable t) {
        Throwable current = t;
        while ((current instanceof CompletionException || current instanceof ExecutionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }

    /** The consumer group (or its stream) is gone, e.g. after FLUSHALL: recreate it and go on. */
    public static boolean isNoGroup(Throwable t) {
        return messageOf(t).contains("NOGROUP");
    }

    public static boolean isNoScript(Throwable t) {
        return messageOf(t).startsWith("NOSCRIPT");
    }

    public static boolean isBusyGroup(Throwable t) {
        return messageOf(t).startsWith("BUSYGROUP");
    }

    /** The ACL user may not run the command (e.g. INFO for cluster detection). */
    public static boolean isNoPermission(Throwable t) {
        return messageOf(t).startsWith("NOPERM");
    }

    public static String messageOf(Throwable t) {
        String message = unwrap(t).getMessage();
        return message == null ? unwrap(t).getClass().getSimpleName() : message;
    }
}
