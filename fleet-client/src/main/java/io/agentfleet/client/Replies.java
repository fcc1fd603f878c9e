package io.agentfleet.client;

import io.agentfleet.messages.FleetException;
import io.agentfleet.messages.InvalidMessageException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Checks of stream entry ids and decoding of script replies, shared by the clients. */
final class Replies {
    private Replies() {}

    static String requireEntryId(String entryId) {
        if (entryId == null || !entryId.matches("\\d{1,20}(-\\d{1,20})?")) {
            throw new InvalidMessageException(
                    "entryId", "'" + entryId + "' is not a stream entry id such as 1700000000000-0");
        }
        return entryId;
    }

    @SuppressWarnings("unchecked")
    static List<String> strings(Object reply) {
        if (!(reply instanceof List<?> list)) {
            throw new FleetException("unexpected script reply: " + reply);
        }
        List<String> out = new ArrayList<>(list.size());
        for (Object item : (List<Object>) list) {
            out.add(
                    item == null
                            ? null
                            : item instanceof byte[] bytes
                                    ? new String(bytes, StandardCharsets.UTF_8)
                                    : item.toString());
        }
        return out;
    }
}
