package dev.fanout.source;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A self-signed certificate made with the JDK's own {@code keytool}, for a test HTTPS upstream: the key store the
 * server uses, and the certificate as PEM for {@code --source-ca}.
 *
 * @param keyStore the PKCS12 key store (password {@link #PASSWORD})
 * @param pem      the certificate alone, PEM
 */
record TestCertificate(Path keyStore, Path pem) {

    static final String PASSWORD = "changeit";

    /** A certificate for {@code names} (a keytool SAN list: {@code dns:localhost,ip:127.0.0.1}), in {@code dir}. */
    static TestCertificate make(Path dir, String names) throws IOException, InterruptedException {
        Path keyStore = dir.resolve("upstream.p12");
        Path pem = dir.resolve("upstream.pem");
        keytool("-genkeypair", "-alias", "upstream", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=upstream", "-ext", "SAN=" + names, "-validity", "2", "-keystore", keyStore.toString(),
                "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD);
        keytool("-exportcert", "-alias", "upstream", "-keystore", keyStore.toString(), "-storepass", PASSWORD,
                "-rfc", "-file", pem.toString());
        return new TestCertificate(keyStore, pem);
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("keytool failed: " + output);
        }
    }

    /** A server-side TLS context with this key and certificate. */
    SSLContext serverContext() throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            store.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }
}
