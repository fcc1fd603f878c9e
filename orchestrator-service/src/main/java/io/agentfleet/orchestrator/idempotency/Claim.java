package io.agentfleet.orchestrator.idempotency;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * What Redis holds for one idempotency key: the request's fingerprint, the run id chosen for it up front, when it was
 * claimed, and the response once there is one.
 */
record Claim(String fingerprint, String runId, long claimedAt, StoredResponse response) {
    private static final ObjectMapper JSON = new ObjectMapper();

    Claim answered(StoredResponse answer) {
        return new Claim(fingerprint, runId, claimedAt, answer);
    }

    String toJson() {
        ObjectNode out = JSON.createObjectNode();
        out.put("fingerprint", fingerprint);
        out.put("runId", runId);
        out.put("claimedAt", claimedAt);
        if (response != null) {
            ObjectNode r = out.putObject("response");
            r.put("status", response.status());
            r.put("body", response.body());
            r.put("location", response.location());
        }
        return out.toString();
    }

    static Claim fromJson(String text) {
        try {
            JsonNode in = JSON.readTree(text);
            JsonNode r = in.get("response");
            StoredResponse response = r == null
                    ? null
                    : new StoredResponse(
                            r.get("status").asInt(),
                            r.get("body").asText(),
                            r.get("location").asText());
            return new Claim(
                    in.get("fingerprint").asText(),
                    in.get("runId").asText(),
                    in.get("claimedAt").asLong(),
                    response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
