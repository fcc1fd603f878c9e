package io.agentfleet.orchestrator.ui;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The console's page at {@code /ui} (Micronaut matches {@code /ui/} to it too) (its scripts and styles are static resources under {@code /ui/},
 * which the page names by absolute path). The page holds no data: everything it shows comes from {@code /v1} calls
 * made with the operator's key.
 */
@Controller
public class ConsoleController {
    private static final String PAGE = "/console/index.html";

    private final byte[] page;

    public ConsoleController() {
        try (InputStream in = ConsoleController.class.getResourceAsStream(PAGE)) {
            if (in == null) {
                throw new IllegalStateException("the console page " + PAGE + " is missing from the class path");
            }
            this.page = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the console page " + PAGE, e);
        }
    }

    @Get(
            uris = {"/ui", "/ui/index.html"},
            produces = MediaType.TEXT_HTML)
    public HttpResponse<byte[]> console() {
        return HttpResponse.ok(page).contentType(MediaType.TEXT_HTML_TYPE);
    }
}
