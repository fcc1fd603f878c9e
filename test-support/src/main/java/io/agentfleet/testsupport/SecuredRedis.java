package io.agentfleet.testsupport;

import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The three TLS-only, ACL-protected backends of a TLS test class: one standalone Redis, one
 * {@link RedisCluster} and one {@link RedisSentinelSetup}, each with the same user and password, and
 * the JVM default truststore set to the test CA.
 *
 * <pre>{@code
 * @RegisterExtension static final SecuredRedis secured = SecuredRedis.create("fleet-svc", "s3cret-pw");
 * }</pre>
 *
 * <p>Before the class's tests it skips them (JUnit assumption, naming why) unless a TLS-capable {@code
 * redis-server} and {@code openssl} are there, else starts the three; after them it stops them.
 * Clients that use the JVM default SSL context (Jedis' {@code ssl(true)}, Lettuce) read {@code
 * javax.net.ssl.trustStore} once, when the JDK first creates that context: use this in a test class
 * that runs in its own surefire execution, before any TLS use in the JVM.
 */
public final class SecuredRedis implements BeforeAllCallback, AfterAllCallback {
    private final String user;
    private final String password;
    private RedisProcess standalone;
    private RedisCluster cluster;
    private RedisSentinelSetup sentinel;

    private SecuredRedis(String user, String password) {
        this.user = user;
        this.password = password;
    }

    /** Not started yet: register it with {@code @RegisterExtension} on a static field. */
    public static SecuredRedis create(String user, String password) {
        return new SecuredRedis(user, password);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        Path binary = TestCertificates.assumeTlsCapableRedis();
        TlsFiles tls = TestCertificates.create();
        trustJvmWide(tls);
        standalone = RedisProcess.start(
                RedisProcess.Options.defaults().withBinary(binary).withTls(tls).withUser(user, password));
        cluster = RedisCluster.start(
                RedisCluster.Options.defaults().withBinary(binary).withTls(tls).withUser(user, password));
        sentinel = RedisSentinelSetup.start(RedisSentinelSetup.Options.defaults()
                .withBinary(binary)
                .withTls(tls)
                .withUser(user, password));
    }

    /** Stops every backend that was started (also when a later one failed to start), the sentinels first. */
    @Override
    public void afterAll(ExtensionContext context) {
        RuntimeException failure = null;
        for (AutoCloseable fixture : new AutoCloseable[] {sentinel, cluster, standalone}) {
            if (fixture != null) {
                try {
                    fixture.close();
                } catch (Exception e) {
                    if (failure == null) {
                        failure = new IllegalStateException("could not stop " + fixture, e);
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
        }
        sentinel = null;
        cluster = null;
        standalone = null;
        if (failure != null) {
            throw failure;
        }
    }

    private static void trustJvmWide(TlsFiles tls) {
        System.setProperty("javax.net.ssl.trustStore", tls.truststore().toString());
        System.setProperty("javax.net.ssl.trustStorePassword", tls.truststorePassword());
        System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
    }

    public RedisProcess standalone() {
        return started(standalone);
    }

    public RedisCluster cluster() {
        return started(cluster);
    }

    public RedisSentinelSetup sentinel() {
        return started(sentinel);
    }

    private static <T> T started(T fixture) {
        if (fixture == null) {
            throw new IllegalStateException("SecuredRedis is started before the class's tests: register it with "
                    + "@RegisterExtension on a static field");
        }
        return fixture;
    }
}
