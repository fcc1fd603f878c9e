package io.agentfleet.messages;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Turns the JSON parser's complaints into {@link InvalidMessageException}s naming the whole message ({@code $}). */
final class ParseErrors {
    private ParseErrors() {}

    interface ParserSource {
        JsonParser open() throws IOException;
    }

    /** Streams over the tokens without building anything: tokenizing applies the depth and length limits. */
    static void requireWithinParserLimits(ParserSource source) {
        try (JsonParser parser = source.open()) {
            while (parser.nextToken() != null) {
                // Only the limits matter here.
            }
        } catch (StreamConstraintsException e) {
            throw new InvalidMessageException("$", "exceeds limits: " + firstLine(e.getOriginalMessage()));
        } catch (JsonProcessingException e) {
            throw new InvalidMessageException(
                    "$", "malformed JSON: " + firstLine(e.getOriginalMessage()) + locationOf(e));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static RuntimeException unparseable(IOException e) {
        if (e instanceof StreamConstraintsException limit) {
            return new InvalidMessageException("$", "exceeds limits: " + firstLine(limit.getOriginalMessage()));
        }
        if (e instanceof JsonProcessingException malformed) {
            return new InvalidMessageException(
                    "$", "malformed JSON: " + firstLine(malformed.getOriginalMessage()) + locationOf(malformed));
        }
        return new UncheckedIOException(e);
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "unreadable input";
        }
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }

    private static String locationOf(JsonProcessingException e) {
        return e.getLocation() == null
                ? ""
                : " (line " + e.getLocation().getLineNr() + ", column "
                        + e.getLocation().getColumnNr() + ")";
    }
}
