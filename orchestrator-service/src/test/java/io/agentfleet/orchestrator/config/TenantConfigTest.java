package io.agentfleet.orchestrator.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentfleet.messages.config.ConfigException;
import io.micronaut.context.env.PropertySource;
import io.micronaut.context.env.PropertySourcePropertyResolver;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TenantConfigTest {
    static OrchestratorConfig config(Map<String, Object> props) {
        Map<String, Object> all = new HashMap<>(Map.of("fleet.api-keys-plain", "alpha:a1,alpha-ci:a2,beta:b1,ops:o1"));
        all.putAll(props);
        return ConfigFactory.read(new PropertySourcePropertyResolver(PropertySource.of("test", all)));
    }

    @Test
    void aKeysTenantIsItsNameUnlessConfiguredAndOperatorKeysAreNamed() {
        OrchestratorConfig c = config(Map.of("fleet.api-key-tenants", "alpha-ci:alpha", "fleet.admin-keys", "ops"));
        ApiKeys keys = c.apiKeys();
        assertEquals("alpha", keys.tenantOf("alpha-ci"));
        assertEquals("beta", keys.tenantOf("beta"));
        assertTrue(keys.isAdmin("ops"));
        assertFalse(keys.isAdmin("alpha"));
        assertEquals(Set.of("alpha", "beta", "ops"), keys.tenants());
    }

    @Test
    void anUnknownKeyNameFailsStartUpNamingIt() {
        ConfigException admin =
                assertThrows(ConfigException.class, () -> config(Map.of("fleet.admin-keys", "ops,opz")));
        assertTrue(admin.getMessage().contains("fleet.admin-keys")
                && admin.getMessage().contains("'opz'"));
        ConfigException tenant =
                assertThrows(ConfigException.class, () -> config(Map.of("fleet.api-key-tenants", "gamma:alpha")));
        assertTrue(tenant.getMessage().contains("'gamma'"), tenant.getMessage());
        ConfigException malformed =
                assertThrows(ConfigException.class, () -> config(Map.of("fleet.api-key-tenants", "alpha-ci")));
        assertTrue(malformed.getMessage().contains("keyName:tenant"), malformed.getMessage());
    }

    @Test
    void tenantLimitsAreReadPerTenantAndValidated() {
        OrchestratorConfig c = config(Map.of(
                "fleet.api-key-tenants", "alpha-ci:alpha",
                "fleet.tenants.alpha.max-runs-in-flight", "5",
                "fleet.tenants.alpha.allowed-agents", "coder,reviewer",
                "fleet.tenants.beta.rate-limit", "100"));
        assertEquals(new TenantLimits(5, Set.of("coder", "reviewer"), 0), c.limitsOf("alpha"));
        assertEquals(new TenantLimits(0, Set.of(), 100), c.limitsOf("beta"));
        assertEquals(TenantLimits.NONE, c.limitsOf("ops"));
        assertTrue(c.limitsOf("ops").allows("anything"));
        assertFalse(c.limitsOf("alpha").allows("planner"));

        ConfigException bad = assertThrows(
                ConfigException.class, () -> config(Map.of("fleet.tenants.alpha.max-runs-in-flight", "-1")));
        assertTrue(bad.getMessage().contains("fleet.tenants.alpha.max-runs-in-flight"), bad.getMessage());
        ConfigException agent = assertThrows(
                ConfigException.class, () -> config(Map.of("fleet.tenants.beta.allowed-agents", "Not An Agent")));
        assertTrue(agent.getMessage().contains("fleet.tenants.beta.allowed-agents"), agent.getMessage());
    }

    @Test
    void withAuthenticationOffTheAnonymousTenantMayHaveLimits() {
        OrchestratorConfig c =
                config(Map.of("fleet.auth.enabled", "false", "fleet.tenants.anonymous.max-runs-in-flight", "3"));
        assertEquals(3, c.limitsOf("anonymous").maxRunsInFlight());
    }
}
