package dev.fanout.server.tls;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reads the PEM files TLS is configured with, and says plainly what is wrong with one: not PEM, a certificate where
 * the key belongs, an encrypted key, a key that is not the certificate's.
 */
public final class PemFiles {

    private PemFiles() {
    }

    /** The certificates in {@code file}, in order; {@code flag} names it in errors. */
    public static List<X509Certificate> certificates(Path file, String flag) {
        List<X509Certificate> certificates = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        boolean sawKey = false;
        try (PEMParser parser = new PEMParser(reader(file, flag))) {
            for (Object item; (item = parser.readObject()) != null; ) {
                if (item instanceof X509CertificateHolder holder) {
                    certificates.add(converter.getCertificate(holder));
                }
                sawKey |= item instanceof PrivateKeyInfo || item instanceof PEMKeyPair
                        || item instanceof PKCS8EncryptedPrivateKeyInfo || item instanceof PEMEncryptedKeyPair;
            }
        } catch (IOException | CertificateException e) {
            throw new IllegalArgumentException(flag + " " + file + " is not a readable PEM file (" + e.getMessage()
                    + "); give certificates from -----BEGIN CERTIFICATE----- on", e);
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException(flag + " " + file + (sawKey ? " holds a private key, not a "
                    + "certificate: are --tls-cert and --tls-key swapped?" : " holds no certificate; give PEM "
                    + "certificates, from -----BEGIN CERTIFICATE----- on (fanout cert --out DIR makes a pair to try)"));
        }
        return certificates;
    }

    /** The private key in {@code file}; {@code flag} names it in errors. */
    public static PrivateKey privateKey(Path file, String flag) {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try (PEMParser parser = new PEMParser(reader(file, flag))) {
            boolean sawCertificate = false;
            for (Object item; (item = parser.readObject()) != null; ) {
                if (item instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (item instanceof PEMKeyPair pair) {
                    return converter.getPrivateKey(pair.getPrivateKeyInfo());
                }
                if (item instanceof PKCS8EncryptedPrivateKeyInfo || item instanceof PEMEncryptedKeyPair) {
                    throw new IllegalArgumentException(flag + " " + file + " holds an encrypted key, which the "
                            + "server cannot unlock unattended; decrypt it (openssl pkey -in KEY -out PLAIN) and "
                            + "keep the file readable by the server's user alone");
                }
                sawCertificate |= item instanceof X509CertificateHolder;
            }
            throw new IllegalArgumentException(flag + " " + file + (sawCertificate
                    ? " holds a certificate, not a private key: are --tls-cert and --tls-key swapped?"
                    : " holds no private key; give a PEM key, from -----BEGIN PRIVATE KEY----- on"));
        } catch (IOException e) {
            throw new IllegalArgumentException(flag + " " + file + " is not a readable PEM key (" + e.getMessage()
                    + ")", e);
        }
    }

    /**
     * Checks that {@code key} belongs to {@code certificate} by signing with one and verifying with the other: a
     * mismatched pair would load, then fail every handshake.
     */
    public static void checkPair(PrivateKey key, X509Certificate certificate, String keyFlag, String certFlag) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "Ed448", "EdDSA" -> key.getAlgorithm();
            default -> null;
        };
        if (algorithm == null) {
            return;
        }
        byte[] probe = new byte[32];
        new SecureRandom().nextBytes(probe);
        boolean matches;
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            matches = verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            matches = false;
        }
        if (!matches) {
            throw new IllegalArgumentException(keyFlag + " is not the key of the certificate in " + certFlag + " ("
                    + certificate.getSubjectX500Principal().getName() + "); give the key it was issued for");
        }
    }

    private static Reader reader(Path file, String flag) {
        try {
            return Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException(flag + " " + file + " cannot be read (" + e.getMessage() + "); check "
                    + "the path and that the server's user may read it", e);
        }
    }
}
