package dev.fanout.server.auth;

import dev.fanout.protocol.ByteSize;
import dev.fanout.protocol.control.TopicNames;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.toml.TomlMapper;

/**
 * Reads the auth file ({@code --auth FILE}), TOML:
 *
 * <pre>
 * [anonymous]                     # clients without credentials; raw frames clients always
 * subscribe = ["public.&gt;"]
 *
 * [users.alice]
 * password = "$argon2id$v=19$..."  # fanout passwd
 * publish = ["chat.&gt;"]
 * subscribe = ["&gt;"]
 *
 * [users.feeder]
 * token = "sha256:..."             # fanout passwd --token
 * publish = ["prices.&gt;"]
 *
 * [users.ops]
 * token = "sha256:..."
 * operator = true                  # the HTTP listener's actions (kick, say); monitor too
 *
 * [users.prometheus]
 * token = "sha256:..."
 * monitor = true                   # /stats and /metrics
 * </pre>
 *
 * <p>Every key is checked: an unknown one (a typo) is an error, as is a hash that is not one, a topic that is not
 * one, a user with no secret. Errors name the key. Anonymous may do nothing unless {@code [anonymous]} says so.
 */
public final class AuthFile {

    /** User names: as display names. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,32}");
    private static final Set<String> TOP = Set.of("anonymous", "users");
    private static final Set<String> PERMISSION_KEYS = Set.of("publish", "subscribe", "monitor", "operator",
            "max_subscriptions", "publish_rate", "publish_bytes_rate");
    private static final Set<String> USER_KEYS = Set.of("password", "token", "publish", "subscribe", "monitor",
            "operator", "max_connections", "max_subscriptions", "publish_rate", "publish_bytes_rate");

    private AuthFile() {
    }

    /** The users and permissions {@code file} holds, all checked. */
    public static Users read(Path file) {
        JsonNode root;
        try {
            root = new TomlMapper().readTree(file.toFile());
        } catch (JacksonException e) {
            throw new IllegalArgumentException("--auth " + file + " is not valid TOML: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("--auth " + file + " is empty; give [users.NAME] tables (see "
                    + "docs/security.md)");
        }
        String where = "--auth " + file + ": ";
        onlyKeys(root, TOP, where, "");
        Permissions anonymous = root.has("anonymous")
                ? permissions(table(root.get("anonymous"), where + "[anonymous]"), where + "[anonymous]")
                : Permissions.NONE;
        UserLimits anonymousLimits = root.has("anonymous") ? limits(root.get("anonymous"), where + "anonymous")
                : UserLimits.SERVER;
        if (root.has("anonymous")) {
            onlyKeys(root.get("anonymous"), PERMISSION_KEYS, where, "anonymous.");
        }
        Map<String, User> users = new LinkedHashMap<>();
        Map<String, User> byToken = new HashMap<>();
        if (root.has("users")) {
            JsonNode all = table(root.get("users"), where + "[users]");
            for (Map.Entry<String, JsonNode> entry : all.properties()) {
                String name = entry.getKey();
                String at = where + "users." + name;
                if (!NAME.matcher(name).matches() || name.equals(Principal.ANONYMOUS)) {
                    throw new IllegalArgumentException(at + ": a user name is 1 to 32 letters, digits, _ - or ., and "
                            + "not 'anonymous' (whose table is [anonymous])");
                }
                JsonNode node = table(entry.getValue(), at);
                onlyKeys(node, USER_KEYS, where, "users." + name + ".");
                String password = text(node, "password", at);
                String token = text(node, "token", at);
                if (password == null && token == null) {
                    throw new IllegalArgumentException(at + ": give a password (fanout passwd) or a token (fanout "
                            + "passwd --token), or both");
                }
                if (password != null && Secrets.problem(password) != null) {
                    throw new IllegalArgumentException(at + ".password: " + Secrets.problem(password));
                }
                if (token != null && Secrets.tokenProblem(token) != null) {
                    throw new IllegalArgumentException(at + ".token: " + Secrets.tokenProblem(token));
                }
                User user = new User(name, password, token, permissions(node, at), limits(node, at));
                users.put(name, user);
                if (token != null && byToken.put(token, user) != null) {
                    throw new IllegalArgumentException(at + ".token: another user has the same token");
                }
            }
        }
        return new Users(users, byToken, anonymous, anonymousLimits);
    }

    private static JsonNode table(JsonNode node, String at) {
        if (!node.isObject()) {
            throw new IllegalArgumentException(at + " must be a table");
        }
        return node;
    }

    private static void onlyKeys(JsonNode node, Set<String> allowed, String where, String prefix) {
        for (String key : node.propertyNames()) {
            if (!allowed.contains(key)) {
                throw new IllegalArgumentException(where + prefix + key + ": unknown key; expected one of "
                        + String.join(", ", allowed.stream().sorted().toList()));
            }
        }
    }

    private static String text(JsonNode node, String key, String at) {
        JsonNode value = node.get(key);
        if (value == null) {
            return null;
        }
        if (!value.isString()) {
            throw new IllegalArgumentException(at + "." + key + " must be a string in quotes");
        }
        return value.asString();
    }

    private static UserLimits limits(JsonNode node, String at) {
        return new UserLimits((int) count(node, "max_connections", at), (int) count(node, "max_subscriptions", at),
                count(node, "publish_rate", at), size(node, "publish_bytes_rate", at));
    }

    /** A whole number of 1 or more, or 0 when the key is missing. */
    private static long count(JsonNode node, String key, String at) {
        JsonNode value = node.get(key);
        if (value == null) {
            return 0;
        }
        if (!value.isIntegralNumber() || value.asLong() < 1 || value.asLong() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(at + "." + key + " must be a whole number from 1 up; leave it out "
                    + "for the server's own limit");
        }
        return value.asLong();
    }

    /** A size in bytes: a number, or text with a unit ("1MiB"); 0 when the key is missing. */
    private static long size(JsonNode node, String key, String at) {
        JsonNode value = node.get(key);
        if (value == null) {
            return 0;
        }
        try {
            long bytes = value.isIntegralNumber() ? value.asLong() : ByteSize.parse(value.asString());
            if (bytes < 1) {
                throw new IllegalArgumentException("not positive");
            }
            return bytes;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(at + "." + key + " must be a size from 1 byte up, as a number or "
                    + "text such as \"1MiB\"", e);
        }
    }

    private static Permissions permissions(JsonNode node, String at) {
        return new Permissions(filters(node, "publish", at), filters(node, "subscribe", at),
                flag(node, "monitor", at), flag(node, "operator", at));
    }

    /** true or false; false when the key is missing. */
    private static boolean flag(JsonNode node, String key, String at) {
        JsonNode value = node.get(key);
        if (value == null) {
            return false;
        }
        if (!value.isBoolean()) {
            throw new IllegalArgumentException(at + "." + key + " must be true or false, without quotes");
        }
        return value.asBoolean();
    }

    private static List<String> filters(JsonNode node, String key, String at) {
        JsonNode value = node.get(key);
        if (value == null) {
            return List.of();
        }
        if (!value.isArray()) {
            throw new IllegalArgumentException(at + "." + key + " must be a list of topics and patterns, e.g. "
                    + "[\"prices.>\", \"chat.lobby\"]");
        }
        List<String> filters = new ArrayList<>();
        for (JsonNode item : value) {
            if (!item.isString() || !TopicNames.isValidFilter(item.asString())) {
                throw new IllegalArgumentException(at + "." + key + ": " + item + " is not a topic or pattern ("
                        + "dot-separated tokens of letters, digits and _ - : @ ~; * for one token, > at the end)");
            }
            filters.add(item.asString());
        }
        return filters;
    }
}
