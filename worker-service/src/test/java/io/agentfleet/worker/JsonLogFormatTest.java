package io.agentfleet.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.ContextInitializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentfleet.telemetry.LogContext;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The services' logback.xml: JSON lines carrying the MDC keys with FLEET_LOG_FORMAT=json, the readable pattern otherwise. */
class JsonLogFormatTest {

    @Test
    void jsonFormatCarriesTaskIdRunIdAndTraceId() throws Exception {
        List<String> lines = logWith("json");
        assertEquals(2, lines.size(), lines.toString());
        ObjectMapper json = new ObjectMapper();
        JsonNode inside = json.readTree(lines.get(0));
        assertEquals("handling task-1", inside.get("formattedMessage").asText());
        assertEquals("INFO", inside.get("level").asText());
        assertEquals("task-1", inside.get("mdc").get(LogContext.TASK_ID).asText());
        assertEquals("run-1", inside.get("mdc").get(LogContext.RUN_ID).asText());
        assertEquals(
                "4bf92f3577b34da6a3ce929d0e0e4736",
                inside.get("mdc").get(LogContext.TRACE_ID).asText());
        JsonNode after = json.readTree(lines.get(1));
        assertFalse(after.get("mdc").has(LogContext.TASK_ID), lines.get(1));
    }

    @Test
    void readablePatternIsTheDefault() throws Exception {
        List<String> lines = logWith(null);
        assertEquals(2, lines.size(), lines.toString());
        assertFalse(lines.get(0).startsWith("{"), lines.get(0));
        assertTrue(lines.get(0).contains("INFO") && lines.get(0).endsWith("- handling task-1"), lines.get(0));
    }

    /** Reconfigures logback from logback.xml with the format given, logs inside and outside the MDC keys. */
    private static List<String> logWith(String format) throws Exception {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        if (format != null) {
            System.setProperty(LogContext.FORMAT_VARIABLE, format);
        }
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            context.reset();
            JoranConfigurator configurator = new JoranConfigurator();
            configurator.setContext(context);
            configurator.doConfigure(JsonLogFormatTest.class.getResource("/logback.xml"));
            Logger log = LoggerFactory.getLogger("io.agentfleet.worker.test");
            LogContext.put("task-1", "run-1", "4bf92f3577b34da6a3ce929d0e0e4736");
            try {
                log.info("handling {}", "task-1");
            } finally {
                LogContext.clear();
            }
            log.info("outside");
        } finally {
            System.setOut(original);
            System.clearProperty(LogContext.FORMAT_VARIABLE);
            context.reset();
            new ContextInitializer(context).autoConfig();
        }
        return captured.toString(StandardCharsets.UTF_8)
                .lines()
                .filter(l -> !l.isBlank())
                .toList();
    }
}
