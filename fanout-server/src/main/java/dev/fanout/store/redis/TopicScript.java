package dev.fanout.store.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;

/**
 * The Lua script ({@code topic.lua}) that does every operation on a topic's keys atomically. It is run by its
 * digest, and sent whole when Redis does not have it (after a restart, or on a cluster node that never ran it).
 */
final class TopicScript {

    private final String text;
    private final String digest;

    private TopicScript(String text) {
        this.text = text;
        this.digest = sha1(text);
    }

    /** The script shipped in the jar. */
    static TopicScript load() {
        try (InputStream in = TopicScript.class.getResourceAsStream("topic.lua")) {
            if (in == null) {
                throw new IllegalStateException("topic.lua is missing from the jar");
            }
            return new TopicScript(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read topic.lua from the jar", e);
        }
    }

    /** The script's source, to load ahead of its first run. */
    String text() {
        return text;
    }

    /** The script's SHA-1, by which Redis knows it. */
    String digest() {
        return digest;
    }

    /** Runs the script on {@code keys} with {@code args} (the operation first); {@code type} is its reply's. */
    <T> CompletableFuture<T> run(RedisClusterAsyncCommands<String, byte[]> commands, ScriptOutputType type,
                                 String[] keys, byte[]... args) {
        CompletableFuture<T> byDigest = commands.<T>evalsha(digest, type, keys, args).toCompletableFuture();
        return byDigest.exceptionallyCompose(failure -> {
            if (RedisConnection.rootOf(failure) instanceof RedisNoScriptException) {
                return commands.<T>eval(text, type, keys, args).toCompletableFuture();
            }
            return CompletableFuture.failedFuture(failure);
        });
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-1 in this JVM", e);
        }
    }
}
