package dev.fanout.server.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemGenerationException;
import org.bouncycastle.util.io.pem.PemObjectGenerator;

/**
 * A self-signed certificate and its key, for trying TLS out ({@code fanout cert}): an EC P-256 key and a certificate
 * for the given host names and addresses, usable by a server and by a client (mutual TLS). Clients trust it by
 * being given the certificate itself ({@code --tls-ca cert.pem}); no authority signs it.
 *
 * @param certificate the certificate, PEM
 * @param key         its private key, PEM (PKCS#8), readable by its owner alone where the file system allows
 */
public record SelfSignedPair(Path certificate, Path key) {

    /** The names a pair is made for unless told others: this machine, by name and by address. */
    public static final List<String> LOCAL_NAMES = List.of("localhost", "127.0.0.1", "::1");

    /**
     * Writes {@code cert.pem} and {@code key.pem} into {@code directory} (made if missing), for {@code names}
     * (host names or IP addresses), valid from now for {@code validity}.
     *
     * @throws IllegalArgumentException if a file is there already or a name is neither
     */
    public static SelfSignedPair write(Path directory, String commonName, List<String> names, Duration validity) {
        Path certificate = directory.resolve("cert.pem");
        Path key = directory.resolve("key.pem");
        for (Path file : List.of(certificate, key)) {
            if (Files.exists(file)) {
                throw new IllegalArgumentException(file + " exists already; move it away or choose another --out");
            }
        }
        KeyPair pair = newKeyPair();
        X509Certificate made = sign(pair, commonName, names, validity);
        try {
            Files.createDirectories(directory);
            Files.writeString(certificate, pem(made), StandardCharsets.US_ASCII, StandardOpenOption.CREATE_NEW);
            writeSecret(key, pem(pkcs8(pair.getPrivate())));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write into " + directory + ": " + e.getMessage(), e);
        }
        return new SelfSignedPair(certificate, key);
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot make EC P-256 keys", e);
        }
    }

    private static X509Certificate sign(KeyPair pair, String commonName, List<String> names, Duration validity) {
        X500Name subject = new X500Name("CN=" + commonName.replaceAll("[,+=<>#;\"\\\\]", "_"));
        Instant now = Instant.now();
        // An hour back: a client whose clock is a little behind still takes it.
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                new BigInteger(64, new SecureRandom()).abs().add(BigInteger.ONE),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(validity)), subject, pair.getPublic());
        try {
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.stream()
                    .map(SelfSignedPair::generalName).toArray(GeneralName[]::new)));
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(new KeyPurposeId[] {
                KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
            return new JcaX509CertificateConverter().getCertificate(builder.build(
                    new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
        } catch (CertIOException | OperatorCreationException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a certificate: " + e.getMessage(), e);
        }
    }

    /** A DNS name, a wildcard's {@code *.} allowed in front. */
    private static final String LABEL = "[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?";
    private static final String HOST_NAME = "(\\*\\.)?" + LABEL + "(\\." + LABEL + ")*";

    private static GeneralName generalName(String name) {
        if (name.matches("[0-9.]+") || name.contains(":")) {
            try {
                InetAddress.getByName(name);
                return new GeneralName(GeneralName.iPAddress, name);
            } catch (IOException e) {
                throw new IllegalArgumentException("'" + name + "' is not an IP address", e);
            }
        }
        if (!name.matches(HOST_NAME)) {
            throw new IllegalArgumentException("'" + name + "' is neither a host name nor an IP address");
        }
        return new GeneralName(GeneralName.dNSName, name);
    }

    /** The key as PKCS#8 ({@code BEGIN PRIVATE KEY}), the form every TLS library reads. */
    private static PemObjectGenerator pkcs8(PrivateKey key) {
        try {
            return new JcaPKCS8Generator(key, null);
        } catch (PemGenerationException e) {
            throw new IllegalStateException("cannot encode the key: " + e.getMessage(), e);
        }
    }

    private static String pem(Object item) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(item);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** Writes {@code text} to a new file that only its owner may read, where the file system has such rights. */
    private static void writeSecret(Path file, String text) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
        Files.writeString(file, text, StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
    }
}
