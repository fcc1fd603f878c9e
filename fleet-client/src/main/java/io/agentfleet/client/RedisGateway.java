package io.agentfleet.client;

import io.agentfleet.messages.FleetException;
import io.agentfleet.messages.LuaScript;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Function;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/** The pooled Jedis connection and the translation of Jedis failures into the client's exception tree. */
final class RedisGateway implements AutoCloseable {
    private final JedisPooled jedis;
    private final String endpoint;

    private RedisGateway(JedisPooled jedis, String endpoint) {
        this.jedis = jedis;
        this.endpoint = endpoint;
    }

    static RedisGateway open(FleetClientOptions options) {
        int timeoutMillis = (int) options.commandTimeout().toMillis();
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(timeoutMillis)
                .socketTimeoutMillis(timeoutMillis)
                .database(options.database())
                .clientName("agentfleet-client")
                .ssl(options.tls());
        if (options.user() != null) {
            config.user(options.user());
        }
        if (options.password() != null) {
            config.password(options.password());
        }
        GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(options.poolSize());
        pool.setMaxIdle(options.poolSize());
        pool.setMinIdle(0);
        pool.setMaxWait(options.commandTimeout());
        pool.setJmxEnabled(false);
        JedisPooled jedis = new JedisPooled(new HostAndPort(options.host(), options.port()), config.build(), pool);
        RedisGateway gateway = new RedisGateway(jedis, options.endpoint());
        try {
            gateway.call("connecting", JedisPooled::ping);
        } catch (RuntimeException e) {
            jedis.close();
            throw e;
        }
        return gateway;
    }

    String endpoint() {
        return endpoint;
    }

    /** Runs one Redis interaction, turning Jedis failures into {@link FleetException}s that name what was done. */
    <T> T call(String what, Function<JedisPooled, T> operation) {
        try {
            return operation.apply(jedis);
        } catch (JedisAccessControlException e) {
            throw new FleetConnectionException(
                    endpoint, "authentication failed while " + what + ": " + e.getMessage(), e);
        } catch (JedisDataException e) {
            throw new FleetException("Redis at " + endpoint + " refused " + what + ": " + e.getMessage(), e);
        } catch (JedisConnectionException e) {
            throw connectionFailure(what, e);
        } catch (JedisException e) {
            if (e.getCause() instanceof JedisConnectionException || e.getCause() instanceof NoSuchElementException) {
                throw connectionFailure(what, e);
            }
            throw new FleetException("Redis at " + endpoint + " failed while " + what + ": " + e.getMessage(), e);
        }
    }

    FleetConnectionException connectionFailure(String what, Exception e) {
        return new FleetConnectionException(endpoint, "unreachable while " + what + " (" + rootMessage(e) + ")", e);
    }

    /**
     * Runs a script with EVALSHA, falling back to EVAL when Redis does not have it cached (NOSCRIPT). Error replies
     * reach the caller as {@link JedisDataException}, so it can recognise a script's own errors.
     */
    Object eval(LuaScript script, List<String> keys, List<String> args) {
        try {
            return jedis.evalsha(script.sha1(), keys, args);
        } catch (JedisDataException e) {
            if (isNoScript(e)) {
                return jedis.eval(script.source(), keys, args);
            }
            throw e;
        }
    }

    static boolean isNoScript(JedisDataException e) {
        return e.getMessage() != null && e.getMessage().startsWith("NOSCRIPT");
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null ? root.getClass().getSimpleName() : message;
    }

    @Override
    public void close() {
        jedis.close();
    }
}
