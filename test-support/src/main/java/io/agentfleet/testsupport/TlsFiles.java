package io.agentfleet.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throwaway CA, a server certificate for 127.0.0.1 signed by it, its key, and a PKCS12
 * truststore holding the CA: what a TLS Redis and its clients need. Made by {@link TestCertificates}.
 */
public record TlsFiles(Path caCert, Path serverCert, Path serverKey, Path truststore, String truststorePassword) {

    public TlsFiles {
        Objects.requireNonNull(caCert, "caCert");
        Objects.requireNonNull(serverCert, "serverCert");
        Objects.requireNonNull(serverKey, "serverKey");
        Objects.requireNonNull(truststore, "truststore");
        Objects.requireNonNull(truststorePassword, "truststorePassword");
    }

    /** An SSL context trusting only this CA (the fixture's own connections never use the JVM default). */
    public SSLContext sslContext() {
        try (InputStream in = Files.newInputStream(truststore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, truststorePassword.toCharArray());
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException("could not read truststore " + truststore, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("could not load truststore " + truststore, e);
        }
    }

    public SSLSocketFactory socketFactory() {
        return sslContext().getSocketFactory();
    }
}
