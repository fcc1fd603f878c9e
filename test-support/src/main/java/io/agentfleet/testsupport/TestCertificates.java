package io.agentfleet.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Makes a throwaway CA and a server certificate for {@code 127.0.0.1} with {@code openssl} in a
 * temporary directory (deleted when the JVM exits), plus a PKCS12 truststore with the CA written
 * through Java's KeyStore API. Test-only keys: 2048-bit RSA, valid for two days.
 */
public final class TestCertificates {

    /** Not secret: it guards a truststore holding a public test CA only. */
    public static final String TRUSTSTORE_PASSWORD = "fleet-test";

    private static final long OPENSSL_TIMEOUT_SECONDS = 60;

    private TestCertificates() {}

    /**
     * Skips the calling test (JUnit assumption, naming why) unless {@code openssl} runs and the
     * {@code redis-server} on PATH was built with TLS (the embedded 6.2 fallback was not); returns
     * that binary, to pass to the fixture's {@code withBinary}.
     */
    public static Path assumeTlsCapableRedis() {
        Assumptions.assumeTrue(opensslAvailable(), "TLS tests skipped: openssl is not on PATH");
        Optional<Path> binary = RedisBinaries.onPath();
        Assumptions.assumeTrue(
                binary.isPresent(),
                "TLS tests skipped: no redis-server on PATH (the embedded Redis 6.2 fallback has no TLS)");
        Assumptions.assumeTrue(
                supportsTls(binary.get()),
                "TLS tests skipped: " + binary.get() + " was built without TLS (no tls-cert-file directive)");
        return binary.get();
    }

    /** Redis compiles its TLS directives in only with TLS support, so their names are in the binary. */
    static boolean supportsTls(Path binary) {
        try {
            byte[] bytes = Files.readAllBytes(binary);
            byte[] needle = "tls-cert-file".getBytes(StandardCharsets.US_ASCII);
            outer:
            for (int i = 0; i <= bytes.length - needle.length; i++) {
                for (int j = 0; j < needle.length; j++) {
                    if (bytes[i + j] != needle[j]) {
                        continue outer;
                    }
                }
                return true;
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    /** True when {@code openssl} can be run. */
    public static boolean opensslAvailable() {
        try {
            Process process = new ProcessBuilder("openssl", "version")
                    .redirectErrorStream(true)
                    .start();
            process.getInputStream().readAllBytes();
            return process.waitFor(OPENSSL_TIMEOUT_SECONDS, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** A fresh CA, server cert and truststore in a new temporary directory. */
    public static TlsFiles create() {
        Path dir = RedisNodes.createRoot("agentfleet-tls-", "TLS certificate");
        Path caKey = dir.resolve("ca.key");
        Path caCert = dir.resolve("ca.crt");
        Path key = dir.resolve("redis.key");
        Path csr = dir.resolve("redis.csr");
        Path cert = dir.resolve("redis.crt");
        Path ext = dir.resolve("redis.ext");
        try {
            Files.writeString(ext, "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        run(
                dir,
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=agentfleet-test-ca",
                "-keyout",
                caKey.toString(),
                "-out",
                caCert.toString());
        run(
                dir,
                "openssl",
                "req",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-subj",
                "/CN=127.0.0.1",
                "-keyout",
                key.toString(),
                "-out",
                csr.toString());
        run(
                dir,
                "openssl",
                "x509",
                "-req",
                "-in",
                csr.toString(),
                "-CA",
                caCert.toString(),
                "-CAkey",
                caKey.toString(),
                "-CAcreateserial",
                "-days",
                "2",
                "-extfile",
                ext.toString(),
                "-out",
                cert.toString());
        Path truststore = dir.resolve("truststore.p12");
        writeTruststore(caCert, truststore);
        return new TlsFiles(caCert, cert, key, truststore, TRUSTSTORE_PASSWORD);
    }

    private static void writeTruststore(Path caCert, Path truststore) {
        try (InputStream in = Files.newInputStream(caCert);
                OutputStream out = Files.newOutputStream(truststore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry(
                    "agentfleet-test-ca",
                    CertificateFactory.getInstance("X.509").generateCertificate(in));
            store.store(out, TRUSTSTORE_PASSWORD.toCharArray());
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + truststore, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("could not write " + truststore, e);
        }
    }

    private static void run(Path dir, String... command) {
        List<String> args = new ArrayList<>(List.of(command));
        try {
            Process process = new ProcessBuilder(args)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(OPENSSL_TIMEOUT_SECONDS, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", args) + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + args.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + args.get(0), e);
        }
    }
}
