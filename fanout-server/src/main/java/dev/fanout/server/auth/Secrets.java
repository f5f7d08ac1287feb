package dev.fanout.server.auth;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Secrets as the auth file keeps them: passwords hashed with Argon2id (PHC string form, what {@code fanout passwd}
 * writes) or bcrypt ({@code $2a$}, {@code $2b$}, {@code $2y$}, as htpasswd and many tools write), and bearer tokens
 * as their SHA-256 ({@code sha256:HEX}). Stateless and thread-safe.
 */
public final class Secrets {

    /** Argon2id's cost as {@code fanout passwd} sets it: OWASP's first choice (19 MiB, 2 passes, 1 lane). */
    static final int MEMORY_KIB = 19_456;
    static final int ITERATIONS = 2;
    static final int PARALLELISM = 1;
    /** The most memory a hash in an auth file may ask of each check: a check holds that much while it runs. */
    static final int MAX_MEMORY_KIB = 262_144;
    static final int MAX_ITERATIONS = 16;
    static final int MAX_PARALLELISM = 8;
    /** The highest bcrypt cost accepted: each step doubles the time a check takes. */
    static final int MAX_BCRYPT_COST = 16;

    private static final String TOKEN_PREFIX = "sha256:";
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64_DECODE = Base64.getDecoder();
    private static final SecureRandom RANDOM = new SecureRandom();

    private Secrets() {
    }

    /** {@code password} hashed with Argon2id and a fresh salt, in PHC string form. */
    public static String hashPassword(char[] password) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        byte[] hash = argon2(utf8(password), salt, MEMORY_KIB, ITERATIONS, PARALLELISM, 32);
        return "$argon2id$v=19$m=" + MEMORY_KIB + ",t=" + ITERATIONS + ",p=" + PARALLELISM + "$"
                + B64.encodeToString(salt) + "$" + B64.encodeToString(hash);
    }

    /** A new random bearer token: 32 bytes, URL-safe base64. */
    public static String newToken() {
        byte[] token = new byte[32];
        RANDOM.nextBytes(token);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(token);
    }

    /** How the auth file keeps {@code token}: its SHA-256, {@code sha256:HEX}. */
    public static String hashToken(String token) {
        try {
            return TOKEN_PREFIX + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256 in this JVM", e);
        }
    }

    /**
     * Checks that {@code encoded} is a password hash this server can verify, within the cost bounds.
     *
     * @return null if it is, else what is wrong with it
     */
    static String problem(String encoded) {
        if (encoded.startsWith("$argon2id$")) {
            try {
                Argon2Hash.parse(encoded);
                return null;
            } catch (IllegalArgumentException e) {
                return e.getMessage();
            }
        }
        if (encoded.matches("\\$2[aby]\\$\\d\\d\\$[./A-Za-z0-9]{53}")) {
            int cost = Integer.parseInt(encoded.substring(4, 6));
            return cost <= MAX_BCRYPT_COST ? null : "bcrypt cost " + cost + " is over " + MAX_BCRYPT_COST
                    + ": each check would take minutes";
        }
        return "not an Argon2id ($argon2id$...) or bcrypt ($2b$...) hash; make one with fanout passwd";
    }

    /** Checks that {@code encoded} is a token hash as {@link #hashToken} writes it; null if so. */
    static String tokenProblem(String encoded) {
        return encoded.matches("sha256:[0-9a-f]{64}") ? null
                : "not a token hash (sha256: and 64 hex digits); make one with fanout passwd --token";
    }

    /**
     * A hash of a random password made the way {@code encoded} (checked by {@link #problem}) was: same algorithm,
     * same cost, so that checking against it takes as long.
     */
    static String likeOf(String encoded) {
        char[] nobody = newToken().toCharArray();
        if (encoded.startsWith("$argon2id$")) {
            Argon2Hash shape = Argon2Hash.parse(encoded);
            byte[] salt = new byte[shape.salt().length];
            RANDOM.nextBytes(salt);
            byte[] hash = argon2(utf8(nobody), salt, shape.memoryKib(), shape.iterations(), shape.parallelism(),
                    shape.hash().length);
            return "$argon2id$v=19$m=" + shape.memoryKib() + ",t=" + shape.iterations() + ",p=" + shape.parallelism()
                    + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(hash);
        }
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return OpenBSDBCrypt.generate(encoded.substring(1, 3), nobody, salt, Integer.parseInt(encoded.substring(4, 6)));
    }

    /** What the time to check {@code encoded} depends on: its algorithm and cost, not its salt or hash. */
    static String shapeOf(String encoded) {
        return encoded.startsWith("$argon2id$") ? encoded.substring(0, encoded.indexOf('$', encoded.indexOf("m=")))
                : encoded.substring(0, 7);
    }

    /** Whether {@code password} is the one {@code encoded} (checked by {@link #problem}) was made from. */
    static boolean verify(String encoded, char[] password) {
        if (encoded.startsWith("$argon2id$")) {
            Argon2Hash hash = Argon2Hash.parse(encoded);
            byte[] computed = argon2(utf8(password), hash.salt(), hash.memoryKib(), hash.iterations(),
                    hash.parallelism(), hash.hash().length);
            return MessageDigest.isEqual(computed, hash.hash());
        }
        return OpenBSDBCrypt.checkPassword(encoded, password);
    }

    private static byte[] argon2(byte[] password, byte[] salt, int memoryKib, int iterations, int parallelism,
                                 int length) {
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13).withMemoryAsKB(memoryKib)
                .withIterations(iterations).withParallelism(parallelism).withSalt(salt).build());
        byte[] out = new byte[length];
        generator.generateBytes(password, out);
        Arrays.fill(password, (byte) 0);
        return out;
    }

    private static byte[] utf8(char[] text) {
        ByteBuffer bytes = StandardCharsets.UTF_8.encode(CharBuffer.wrap(text));
        byte[] out = new byte[bytes.remaining()];
        bytes.get(out);
        return out;
    }

    /** The parts of an Argon2id hash in PHC string form. */
    private record Argon2Hash(int memoryKib, int iterations, int parallelism, byte[] salt, byte[] hash) {

        static Argon2Hash parse(String encoded) {
            String[] parts = encoded.split("\\$");
            if (parts.length != 6 || !parts[2].equals("v=19")
                    || !parts[3].matches("m=\\d{1,9},t=\\d{1,3},p=\\d{1,3}")) {
                throw new IllegalArgumentException("not an Argon2id hash in PHC form "
                        + "($argon2id$v=19$m=..,t=..,p=..$SALT$HASH); make one with fanout passwd");
            }
            String[] cost = parts[3].split(",");
            int memory = Integer.parseInt(cost[0].substring(2));
            int iterations = Integer.parseInt(cost[1].substring(2));
            int parallelism = Integer.parseInt(cost[2].substring(2));
            if (memory > MAX_MEMORY_KIB || iterations < 1 || iterations > MAX_ITERATIONS || parallelism < 1
                    || parallelism > MAX_PARALLELISM || memory < 8 * parallelism) {
                throw new IllegalArgumentException("Argon2id cost m=" + memory + ",t=" + iterations + ",p="
                        + parallelism + " is out of bounds (m up to " + MAX_MEMORY_KIB + " KiB, t 1 to "
                        + MAX_ITERATIONS + ", p 1 to " + MAX_PARALLELISM + ")");
            }
            try {
                byte[] salt = B64_DECODE.decode(parts[4]);
                byte[] hash = B64_DECODE.decode(parts[5]);
                if (salt.length < 8 || hash.length < 16) {
                    throw new IllegalArgumentException("Argon2id salt or hash too short");
                }
                return new Argon2Hash(memory, iterations, parallelism, salt, hash);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Argon2id salt or hash is not base64: " + e.getMessage(), e);
            }
        }
    }
}
