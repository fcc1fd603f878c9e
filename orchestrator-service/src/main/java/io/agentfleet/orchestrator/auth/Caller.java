package io.agentfleet.orchestrator.auth;

import io.micronaut.http.HttpRequest;
import java.util.Objects;

/**
 * Who made a request: the API key's name, the tenant it belongs to, and whether it is an operator key (admin), which
 * sees and acts on every tenant's runs, usage and dead letters.
 *
 * @param keyName the authenticated key's name ({@code anonymous} with authentication off)
 * @param tenant the tenant that owns what this caller creates
 * @param admin whether the caller may see and act on every tenant's resources
 */
public record Caller(String keyName, String tenant, boolean admin) {
    /** The request attribute {@link AuthFilter} sets. */
    public static final String ATTRIBUTE = "agentfleet.caller";

    /** With authentication switched off every request is this caller: one tenant, operator rights. */
    public static final Caller ANONYMOUS = new Caller("anonymous", "anonymous", true);

    public Caller {
        Objects.requireNonNull(keyName, "keyName");
        Objects.requireNonNull(tenant, "tenant");
    }

    /** Whether this caller may see and act on something owned by {@code ownerTenant}. */
    public boolean mayAccess(String ownerTenant) {
        return admin || tenant.equals(ownerTenant);
    }

    /** The caller {@link AuthFilter} attached to {@code request}; every {@code /v1} request but the OpenAPI has one. */
    public static Caller of(HttpRequest<?> request) {
        return request.getAttribute(ATTRIBUTE, Caller.class)
                .orElseThrow(() -> new IllegalStateException("no authenticated caller on " + request.getPath()));
    }
}
