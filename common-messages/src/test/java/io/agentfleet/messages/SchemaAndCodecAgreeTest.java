package io.agentfleet.messages;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The published JSON Schema and the codec must accept and reject the same samples, so they cannot drift. */
class SchemaAndCodecAgreeTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final MessageCodec CODEC = new MessageCodec();
    private static JsonSchema schema;

    @BeforeAll
    static void loadSchema() throws IOException {
        try (InputStream in = AgentMessage.class.getResourceAsStream("agent-message.schema.json")) {
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                    .getSchema(in);
        }
    }

    static Stream<Path> validSamples() throws IOException, URISyntaxException {
        return samples("valid");
    }

    static Stream<Path> invalidSamples() throws IOException, URISyntaxException {
        return samples("invalid");
    }

    @ParameterizedTest
    @MethodSource("validSamples")
    void validSampleIsAcceptedBySchemaAndCodec(Path sample) throws IOException {
        String json = Files.readString(sample);
        Set<ValidationMessage> errors = schema.validate(MAPPER.readTree(json));
        assertTrue(errors.isEmpty(), () -> sample.getFileName() + " rejected by schema: " + errors);
        AgentMessage decoded = assertDoesNotThrow(() -> CODEC.decode(json));
        assertEquals(decoded, CODEC.decode(CODEC.encode(decoded)), "round trip changes nothing");
        assertEquals(
                decoded,
                CODEC.decode(json.getBytes(StandardCharsets.UTF_8)),
                "decoding the bytes gives the same message");
    }

    @ParameterizedTest
    @MethodSource("invalidSamples")
    void invalidSampleIsRejectedBySchemaAndCodec(Path sample) throws IOException {
        String json = Files.readString(sample);
        Set<ValidationMessage> errors = schema.validate(MAPPER.readTree(json));
        assertFalse(errors.isEmpty(), () -> sample.getFileName() + " accepted by schema");
        InvalidMessageException e = assertThrows(InvalidMessageException.class, () -> CODEC.decode(json));
        assertFalse(e.field().isBlank(), "the codec names the field");
        assertFalse(e.reason().isBlank(), "the codec gives a reason");
        InvalidMessageException fromBytes =
                assertThrows(InvalidMessageException.class, () -> CODEC.decode(json.getBytes(StandardCharsets.UTF_8)));
        assertEquals(e.field(), fromBytes.field(), "decoding the bytes rejects it for the same field");
    }

    @ParameterizedTest
    @MethodSource("validSamples")
    void encodedMessagesValidateAgainstTheSchema(Path sample) throws IOException {
        AgentMessage decoded = CODEC.decode(Files.readString(sample));
        JsonNode encoded = MAPPER.readTree(CODEC.encode(decoded));
        assertEquals(Set.of(), schema.validate(encoded));
        assertEquals("schemaVersion", encoded.fieldNames().next(), "schemaVersion comes first on the wire");
    }

    private static Stream<Path> samples(String kind) throws IOException, URISyntaxException {
        Path dir = Path.of(
                SchemaAndCodecAgreeTest.class.getResource("/samples/" + kind).toURI());
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> sorted = files.sorted().toList();
            return sorted.stream();
        }
    }
}
