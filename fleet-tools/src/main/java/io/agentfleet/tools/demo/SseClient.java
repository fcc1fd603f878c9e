package io.agentfleet.tools.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.function.Predicate;

/** A minimal Server-Sent Events reader that reconnects with {@code Last-Event-ID}, so no event is lost or repeated. */
final class SseClient {
    record Event(String id, String name, String data) {}

    private final HttpClient http;
    private final String apiKey;

    SseClient(HttpClient http, String apiKey) {
        this.http = http;
        this.apiKey = apiKey;
    }

    /** Delivers events to {@code handler} until it returns false; reconnects after a dropped connection. */
    void follow(URI uri, Predicate<Event> handler) throws InterruptedException {
        String lastId = null;
        int failures = 0;
        while (true) {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                    .header("Authorization", "Bearer " + apiKey)
                    .header("Accept", "text/event-stream");
            if (lastId != null) {
                request.header("Last-Event-ID", lastId);
            }
            try {
                HttpResponse<java.util.stream.Stream<String>> response =
                        http.send(request.build(), HttpResponse.BodyHandlers.ofLines());
                if (response.statusCode() != 200) {
                    throw new IOException("HTTP " + response.statusCode() + " from " + uri);
                }
                String id = null;
                String name = "message";
                StringBuilder data = new StringBuilder();
                for (Iterator<String> lines = response.body().iterator(); lines.hasNext(); ) {
                    String line = lines.next();
                    if (line.isEmpty()) {
                        if (!data.isEmpty()) {
                            lastId = id == null ? lastId : id;
                            if (!handler.test(new Event(id, name, data.toString()))) {
                                return;
                            }
                        }
                        id = null;
                        name = "message";
                        data.setLength(0);
                    } else if (line.startsWith("id:")) {
                        id = line.substring(3).trim();
                    } else if (line.startsWith("event:")) {
                        name = line.substring(6).trim();
                    } else if (line.startsWith("data:")) {
                        data.append(data.isEmpty() ? "" : "\n")
                                .append(line.substring(5).stripLeading());
                    }
                }
                failures = 0;
            } catch (IOException e) {
                if (++failures > 20) {
                    throw new IllegalStateException("lost the event stream " + uri + ": " + e.getMessage(), e);
                }
            }
            Thread.sleep(Duration.ofMillis(200L * Math.min(failures + 1, 5)));
        }
    }
}
