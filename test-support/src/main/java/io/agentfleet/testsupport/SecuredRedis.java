package io.agentfleet.testsupport;

import java.nio.file.Path;

/**
 * The three TLS-only, ACL-protected backends of a TLS test class: one standalone Redis, one
 * {@link RedisCluster} and one {@link RedisSentinelSetup}, each with the same user and password, and
 * the JVM default truststore set to the test CA.
 *
 * <p>Clients that use the JVM default SSL context (Jedis' {@code ssl(true)}, Lettuce) read {@code
 * javax.net.ssl.trustStore} once, when the JDK first creates that context: call {@link #start} before
 * any TLS use in the JVM, in a test class that runs in its own surefire execution.
 */
public final class SecuredRedis implements AutoCloseable {
    private RedisProcess standalone;
    private RedisCluster cluster;
    private RedisSentinelSetup sentinel;

    private SecuredRedis() {}

    /**
     * Skips the calling test (JUnit assumption) unless a TLS-capable {@code redis-server} and {@code
     * openssl} are there; otherwise makes test certificates, trusts their CA JVM-wide and starts the
     * three backends with {@code user}/{@code password}. Whatever started is stopped if a later one fails.
     */
    public static SecuredRedis start(String user, String password) {
        Path binary = TestCertificates.assumeTlsCapableRedis();
        TlsFiles tls = TestCertificates.create();
        trustJvmWide(tls);
        SecuredRedis redis = new SecuredRedis();
        try {
            redis.standalone = RedisProcess.start(RedisProcess.Options.defaults()
                    .withBinary(binary)
                    .withTls(tls)
                    .withUser(user, password));
            redis.cluster = RedisCluster.start(RedisCluster.Options.defaults()
                    .withBinary(binary)
                    .withTls(tls)
                    .withUser(user, password));
            redis.sentinel = RedisSentinelSetup.start(RedisSentinelSetup.Options.defaults()
                    .withBinary(binary)
                    .withTls(tls)
                    .withUser(user, password));
            return redis;
        } catch (RuntimeException e) {
            redis.close();
            throw e;
        }
    }

    private static void trustJvmWide(TlsFiles tls) {
        System.setProperty("javax.net.ssl.trustStore", tls.truststore().toString());
        System.setProperty("javax.net.ssl.trustStorePassword", tls.truststorePassword());
        System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
    }

    public RedisProcess standalone() {
        return standalone;
    }

    public RedisCluster cluster() {
        return cluster;
    }

    public RedisSentinelSetup sentinel() {
        return sentinel;
    }

    /** Stops every backend that was started, the sentinels first. */
    @Override
    public void close() {
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
        if (failure != null) {
            throw failure;
        }
    }
}
