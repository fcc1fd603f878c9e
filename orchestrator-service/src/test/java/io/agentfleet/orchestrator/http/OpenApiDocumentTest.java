package io.agentfleet.orchestrator.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentfleet.messages.DeadLetterReason;
import io.agentfleet.messages.ErrorReason;
import io.agentfleet.messages.RunEventType;
import io.agentfleet.messages.RunStatus;
import io.agentfleet.orchestrator.support.OpenApiContract;
import io.agentfleet.orchestrator.workflow.engine.TaskState;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Patch;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import java.io.File;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document against the code, without a server: every route the controllers serve is documented and every
 * documented route is served, the enums are the Java enums, each operation has an id, one tag, every error status with
 * the Error body (406 and the authentication filter's statuses on every route), and each response schema its required
 * fields. (The API tests check every response they receive against it.)
 */
class OpenApiDocumentTest {
    /** What the authentication filter may answer on every route but the document itself. */
    private static final Set<String> AUTH_FILTER_STATUSES = Set.of("401", "403", "413", "429", "503");
    /**
     * Response schemas whose every field is optional: a run's budget lists only the limits it was given, a question is
     * the agent's own content.
     */
    private static final Set<String> ALL_OPTIONAL = Set.of("Budget", "Question", "BlackboardAccess");

    @Test
    void everyServedRouteIsDocumentedAndEveryDocumentedRouteIsServed() {
        Set<String> served = new TreeSet<>();
        for (Class<?> controller : controllers()) {
            String base = controller.getAnnotation(Controller.class).value();
            for (Method method : controller.getDeclaredMethods()) {
                route(method)
                        .map(route -> route.replace(" ", " " + base))
                        // A route at its controller's own path (@Post with no value) is served without the trailing
                        // "/".
                        .map(route -> route.endsWith("/") ? route.substring(0, route.length() - 1) : route)
                        .filter(route -> route.contains(" /v1/"))
                        .ifPresent(served::add);
            }
        }
        Set<String> documented = new TreeSet<>();
        forEachOperation((route, operation) -> documented.add(route));
        assertEquals(served, documented);
    }

    /** Every {@code @Controller} class of the orchestrator, found among its compiled classes (loaded, not initialised). */
    private static List<Class<?>> controllers() {
        try {
            Path classes = Path.of(RunController.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
            try (Stream<Path> files = Files.walk(classes)) {
                List<Class<?>> out = new ArrayList<>();
                for (Path file : files.filter(f -> f.toString().endsWith(".class")
                                && !f.getFileName().toString().contains("$"))
                        .toList()) {
                    String name = classes.relativize(file).toString().replace(File.separatorChar, '.');
                    Class<?> type = Class.forName(
                            name.substring(0, name.length() - ".class".length()),
                            false,
                            OpenApiDocumentTest.class.getClassLoader());
                    if (type.isAnnotationPresent(Controller.class)) {
                        out.add(type);
                    }
                }
                return out;
            }
        } catch (IOException | URISyntaxException | ClassNotFoundException e) {
            throw new IllegalStateException("could not list the orchestrator's controllers", e);
        }
    }

    /** {@code METHOD /path} of a route method, the path relative to its controller's. */
    private static Optional<String> route(Method method) {
        if (method.isAnnotationPresent(Get.class)) {
            return Optional.of("GET " + method.getAnnotation(Get.class).value());
        }
        if (method.isAnnotationPresent(Post.class)) {
            return Optional.of("POST " + method.getAnnotation(Post.class).value());
        }
        if (method.isAnnotationPresent(Put.class)) {
            return Optional.of("PUT " + method.getAnnotation(Put.class).value());
        }
        if (method.isAnnotationPresent(Patch.class)) {
            return Optional.of("PATCH " + method.getAnnotation(Patch.class).value());
        }
        if (method.isAnnotationPresent(Delete.class)) {
            return Optional.of("DELETE " + method.getAnnotation(Delete.class).value());
        }
        return Optional.empty();
    }

    @Test
    void everyOperationHasACamelCaseIdAndOneTag() {
        Set<String> ids = new TreeSet<>();
        forEachOperation((route, operation) -> {
            assertTrue(
                    operation.getOperationId() != null
                            && operation.getOperationId().matches("[a-z][A-Za-z]+"),
                    route + " has operationId " + operation.getOperationId());
            assertTrue(ids.add(operation.getOperationId()), "operationId " + operation.getOperationId() + " twice");
            assertEquals(1, operation.getTags().size(), route + " tags " + operation.getTags());
        });
    }

    @Test
    void everyErrorStatusHasTheErrorBodyAndEveryRouteListsTheAuthFiltersStatuses() {
        forEachOperation((route, operation) -> {
            Map<String, ApiResponse> responses = operation.getResponses();
            boolean anonymous =
                    operation.getSecurity() != null && operation.getSecurity().isEmpty();
            assertTrue(responses.containsKey("406"), route + " lists no 406 for an Accept it cannot serve");
            if (!anonymous) {
                assertTrue(
                        responses.keySet().containsAll(AUTH_FILTER_STATUSES),
                        route + " lists " + responses.keySet() + ", not all of " + AUTH_FILTER_STATUSES);
            }
            boolean takesInput = operation.getRequestBody() != null
                    || (operation.getParameters() != null
                            && !operation.getParameters().isEmpty())
                    || route.contains("{");
            if (takesInput) {
                assertTrue(responses.containsKey("400"), route + " takes input but lists no 400");
            }
            responses.forEach((status, response) -> {
                if (status.compareTo("400") >= 0) {
                    ApiResponse named = response.get$ref() == null
                            ? response
                            : OpenApiContract.document()
                                    .getComponents()
                                    .getResponses()
                                    .get(refName(response.get$ref()));
                    MediaType json = named.getContent().get("application/json");
                    assertEquals(
                            "Error",
                            refName(json.getSchema().get$ref()),
                            route + " " + status + " is not the Error body");
                }
            });
        });
    }

    @Test
    void everyResponseSchemaListsItsRequiredFields() {
        Set<String> visited = new TreeSet<>();
        Set<String> missing = new TreeSet<>();
        forEachOperation((route, operation) -> operation.getResponses().forEach((status, response) -> {
            if (status.startsWith("2") && response.getContent() != null) {
                response.getContent().values().forEach(media -> requireRequired(media.getSchema(), visited, missing));
            }
        }));
        assertEquals(Set.of(), missing, "object schemas with properties but no required fields");
    }

    private static void requireRequired(Schema<?> schema, Set<String> visited, Set<String> missing) {
        if (schema == null) {
            return;
        }
        if (schema.get$ref() != null) {
            String name = refName(schema.get$ref());
            Schema<?> named = schema(name);
            if (!ALL_OPTIONAL.contains(name) && named.getProperties() != null && named.getRequired() == null) {
                missing.add(name);
            }
            if (visited.add(name)) {
                requireRequired(named, visited, missing);
            }
            return;
        }
        if (schema.getAllOf() != null) {
            schema.getAllOf().forEach(part -> requireRequired(part, visited, missing));
        }
        requireRequired(schema.getItems(), visited, missing);
        if (schema.getAdditionalProperties() instanceof Schema<?> values) {
            requireRequired(values, visited, missing);
        }
        if (schema.getProperties() != null) {
            schema.getProperties().values().forEach(property -> requireRequired(property, visited, missing));
        }
    }

    @Test
    void theDocumentsEnumsAreTheJavaEnums() {
        assertEquals(names(RunStatus.values()), schema("RunStatus").getEnum());
        assertEquals(names(RunEventType.values()), schema("RunEventType").getEnum());
        assertEquals(names(ErrorReason.values()), schema("ErrorReason").getEnum());
        assertEquals(
                names(DeadLetterReason.values()), schema("DeadLetterReason").getEnum());
        assertEquals(names(TaskState.values()), schema("TaskState").getEnum());
    }

    @Test
    void theContractRefusesAnUndocumentedStatusFieldOrShape() {
        URI run = URI.create("http://127.0.0.1/v1/runs/01ARZ3NDEKTSV4RRFFQ69G5FAV");
        String notFound = "{\"error\":\"not_found\",\"reason\":\"run not found\"}";
        OpenApiContract.requireDocumented("GET", run, 404, "application/json", notFound);
        assertThrows(
                AssertionError.class,
                () -> OpenApiContract.requireDocumented("GET", run, 500, "application/json", notFound),
                "a status the operation does not list");
        assertThrows(
                AssertionError.class,
                () -> OpenApiContract.requireDocumented(
                        "GET", run, 404, "application/json", "{\"error\":\"not_found\",\"reason\":\"x\",\"extra\":1}"),
                "a field the schema does not have");
        assertThrows(
                AssertionError.class,
                () -> OpenApiContract.requireDocumented(
                        "GET",
                        URI.create("http://127.0.0.1/v1/nowhere"),
                        404,
                        "application/json",
                        "{\"message\":\"x\"}"),
                "an error body that is not an Error, also on an undocumented path");
        assertThrows(
                AssertionError.class,
                () -> OpenApiContract.requireRunEvent(
                        "{\"type\":\"RUN_FINISHED\",\"at\":\"2026-01-01T00:00:00Z\"," + "\"status\":\"DONE\"}"),
                "an event whose status is not a RunStatus");
    }

    private static String refName(String ref) {
        return ref == null ? null : ref.substring(ref.lastIndexOf('/') + 1);
    }

    private static List<String> names(Enum<?>[] values) {
        return Arrays.stream(values).map(Enum::name).toList();
    }

    private static Schema<?> schema(String name) {
        return OpenApiContract.document().getComponents().getSchemas().get(name);
    }

    private static void forEachOperation(BiConsumer<String, Operation> action) {
        OpenApiContract.document().getPaths().forEach((path, item) -> {
            for (Map.Entry<PathItem.HttpMethod, Operation> e :
                    new ArrayList<>(item.readOperationsMap().entrySet())) {
                action.accept(e.getKey() + " " + path, e.getValue());
            }
        });
    }
}
