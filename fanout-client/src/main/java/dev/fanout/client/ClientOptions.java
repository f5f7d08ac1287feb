package dev.fanout.client;

import dev.fanout.protocol.control.HelloOptions;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Everything a {@link FanoutClient} is told when it connects. Immutable; made by {@link #builder()}, whose
 * {@link Builder#build()} checks each value and names the field and the value in its error.
 *
 * <p>Defaults: 127.0.0.1:7070, no name, a random identity per client, 10 s to connect, reconnect forever
 * ({@link ReconnectOptions#DEFAULTS}), 1,024 publishes or 8 MiB not yet acknowledged (a publish waits up to
 * 30 s for room), 1,024 messages or 8 MiB buffered per subscription, a PING after 15 s of silence and 10 s
 * to hear back, messages of up to 16 MiB, no listener, and a callback executor of the client's own.
 */
public final class ClientOptions {

    /** Default address: the server's default frames port on loopback. */
    public static final InetSocketAddress DEFAULT_ADDRESS = InetSocketAddress.createUnresolved("127.0.0.1", 7070);

    private final Builder values;

    private ClientOptions(Builder values) {
        this.values = values.copy();
    }

    /** A builder holding every default. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these options, to change some. */
    public Builder toBuilder() {
        return values.copy();
    }

    /** The server's frames port (the first, if several); an unresolved address is resolved on each connect. */
    public InetSocketAddress address() {
        return values.address;
    }

    /**
     * Every server the client may connect to: {@link #address()} first, then the others given with
     * {@link Builder#alsoAddress}. Each connection attempt after the first goes to the next in turn, so that a
     * client of a cluster whose node went away resumes on another.
     */
    public List<InetSocketAddress> addresses() {
        List<InetSocketAddress> all = new ArrayList<>(1 + values.more.size());
        all.add(values.address);
        all.addAll(values.more);
        return all;
    }

    /** The display name sent in HELLO, or null. */
    public String name() {
        return values.name;
    }

    /** The publisher identity publishes are de-duplicated under, or null for a random one per client. */
    public String identity() {
        return values.identity;
    }

    /** HELLO options besides the name and identity. */
    public Map<String, String> helloOptions() {
        return values.helloOptions;
    }

    /** How long a connection may take, up to the server's WELCOME. */
    public Duration connectTimeout() {
        return values.connectTimeout;
    }

    /** How the client reconnects. */
    public ReconnectOptions reconnect() {
        return values.reconnect;
    }

    /** Publishes kept until sent, and acknowledged ones until their ACK; a publish beyond waits. */
    public int maxPendingPublishes() {
        return values.maxPendingPublishes;
    }

    /** Payload bytes of those publishes. */
    public long maxPendingBytes() {
        return values.maxPendingBytes;
    }

    /** How long a publish waits for room among the pending ones before it fails. */
    public Duration publishWait() {
        return values.publishWait;
    }

    /** Messages a subscription buffers for the application by default. */
    public int bufferMessages() {
        return values.bufferMessages;
    }

    /** Payload bytes a subscription buffers by default. */
    public long bufferBytes() {
        return values.bufferBytes;
    }

    /** Silence (either way) after which the client sends a PING. */
    public Duration pingInterval() {
        return values.pingInterval;
    }

    /** How long the server may then stay silent before the connection counts as dead. */
    public Duration pingTimeout() {
        return values.pingTimeout;
    }

    /** The largest message payload the client accepts from the server. */
    public int maxPayload() {
        return values.maxPayload;
    }

    /** The socket's receive buffer in bytes (SO_RCVBUF), or 0 for the system's own, which grows as needed. */
    public int receiveBuffer() {
        return values.receiveBuffer;
    }

    /**
     * The HELLO options that say who the client is ({@code user} and {@code password}, or {@code token}); empty
     * when it gives none. Kept apart from {@link #helloOptions()}, so that printing those shows no secret.
     */
    Map<String, String> credentials() {
        return values.credentials;
    }

    /** The TLS the client speaks, or null for plaintext. */
    public ClientTls tls() {
        return values.tls;
    }

    /** Who hears about connection events; never null. */
    public ClientListener listener() {
        return values.listener;
    }

    /** Where handlers, listeners and futures run, or null for a pool of the client's own. */
    public Executor callbackExecutor() {
        return values.callbackExecutor;
    }

    /** The randomness of the reconnect jitter: numbers in [0, 1). */
    DoubleSupplier random() {
        return values.random;
    }

    /** Sets each option; {@link #build()} checks them. Not thread-safe. */
    public static final class Builder {
        private InetSocketAddress address = DEFAULT_ADDRESS;
        private List<InetSocketAddress> more = List.of();
        private String name;
        private String identity;
        private Map<String, String> helloOptions = Map.of();
        private Duration connectTimeout = Duration.ofSeconds(10);
        private ReconnectOptions reconnect = ReconnectOptions.DEFAULTS;
        private int maxPendingPublishes = 1024;
        private long maxPendingBytes = 8L * 1024 * 1024;
        private Duration publishWait = Duration.ofSeconds(30);
        private int bufferMessages = 1024;
        private long bufferBytes = 8L * 1024 * 1024;
        private Duration pingInterval = Duration.ofSeconds(15);
        private Duration pingTimeout = Duration.ofSeconds(10);
        private int maxPayload = 16 * 1024 * 1024;
        private int receiveBuffer;
        private ClientTls tls;
        private Map<String, String> credentials = Map.of();
        private ClientListener listener = new ClientListener() { };
        private Executor callbackExecutor;
        private DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();

        private Builder() {
        }

        private Builder copy() {
            Builder b = new Builder();
            b.address = address;
            b.more = more;
            b.name = name;
            b.identity = identity;
            b.helloOptions = helloOptions;
            b.connectTimeout = connectTimeout;
            b.reconnect = reconnect;
            b.maxPendingPublishes = maxPendingPublishes;
            b.maxPendingBytes = maxPendingBytes;
            b.publishWait = publishWait;
            b.bufferMessages = bufferMessages;
            b.bufferBytes = bufferBytes;
            b.pingInterval = pingInterval;
            b.pingTimeout = pingTimeout;
            b.maxPayload = maxPayload;
            b.receiveBuffer = receiveBuffer;
            b.tls = tls;
            b.credentials = credentials;
            b.listener = listener;
            b.callbackExecutor = callbackExecutor;
            b.random = random;
            return b;
        }

        /** The server's host and frames port; the host is resolved on each connect. */
        public Builder address(String host, int port) {
            require(host != null && !host.isBlank(), "host (" + host + ") must name a host");
            require(port >= 1 && port <= 65535, "port (" + port + ") must be 1 to 65535");
            this.address = InetSocketAddress.createUnresolved(host, port);
            return this;
        }

        /** The server's frames port. */
        public Builder address(InetSocketAddress value) {
            this.address = value;
            return this;
        }

        /**
         * Another server to connect to when the last one cannot be reached or went away: another node of the same
         * cluster ({@code fanout serve --redis}), where subscriptions resume from where they were. Repeatable;
         * the attempts go round {@link #address} and these in order.
         */
        public Builder alsoAddress(String host, int port) {
            require(host != null && !host.isBlank(), "host (" + host + ") must name a host");
            require(port >= 1 && port <= 65535, "port (" + port + ") must be 1 to 65535");
            List<InetSocketAddress> grown = new ArrayList<>(more);
            grown.add(InetSocketAddress.createUnresolved(host, port));
            this.more = List.copyOf(grown);
            return this;
        }

        /** A display name: 1 to 32 of {@code A-Z a-z 0-9 _ . -}; null for none. */
        public Builder name(String value) {
            this.name = value;
            return this;
        }

        /** A publisher identity (1 to 64 printable ASCII characters); null, the default, picks a random one. */
        public Builder identity(String value) {
            this.identity = value;
            return this;
        }

        /**
         * Another HELLO option, for what the protocol defines beyond the name and identity (a relay says
         * {@code relay}); the server ignores keys it does not know. Replaces a value set before for the key.
         */
        public Builder helloOption(String key, String value) {
            Map<String, String> more = new LinkedHashMap<>(helloOptions);
            more.put(key, value);
            this.helloOptions = Map.copyOf(more);
            return this;
        }

        public Builder connectTimeout(Duration value) {
            this.connectTimeout = value;
            return this;
        }

        public Builder reconnect(ReconnectOptions value) {
            this.reconnect = value;
            return this;
        }

        /** Bounds of the publishes not yet sent or acknowledged, and how long a publish waits for room. */
        public Builder pending(int maxPublishes, long maxBytes, Duration wait) {
            this.maxPendingPublishes = maxPublishes;
            this.maxPendingBytes = maxBytes;
            this.publishWait = wait;
            return this;
        }

        /** The default bounds of each subscription's buffer. */
        public Builder buffer(int maxMessages, long maxBytes) {
            this.bufferMessages = maxMessages;
            this.bufferBytes = maxBytes;
            return this;
        }

        /** Keepalive: PING after {@code interval} of silence; the connection is dead after {@code timeout} more. */
        public Builder ping(Duration interval, Duration timeout) {
            this.pingInterval = interval;
            this.pingTimeout = timeout;
            return this;
        }

        public Builder maxPayload(int value) {
            this.maxPayload = value;
            return this;
        }

        /**
         * The socket's receive buffer (SO_RCVBUF) in bytes; 0, the default, lets the system size it. A small one
         * bounds what the kernel holds for a slow application on top of the client's own buffers, so the server
         * notices a slow reader sooner.
         */
        public Builder receiveBuffer(int bytes) {
            this.receiveBuffer = bytes;
            return this;
        }

        /**
         * Logs in as {@code user} with {@code password}, on a server with an auth file; on every connection. The
         * password goes as given: speak TLS ({@link #tls}) to a server that is not on this machine.
         */
        public Builder login(String user, String password) {
            require(user != null && !user.isEmpty() && password != null, "login needs a user and a password");
            this.credentials = Map.of(HelloOptions.USER, user, HelloOptions.PASSWORD, password);
            return this;
        }

        /** Logs in with a bearer token, which names its user by itself; on every connection. */
        public Builder token(String token) {
            require(token != null && !token.isEmpty(), "token must not be empty");
            this.credentials = Map.of(HelloOptions.TOKEN, token);
            return this;
        }

        /** Speaks TLS to every server ({@link ClientTls}); null (the default) speaks plaintext. */
        public Builder tls(ClientTls value) {
            this.tls = value;
            return this;
        }

        public Builder listener(ClientListener value) {
            this.listener = value;
            return this;
        }

        /**
         * Where handlers, listeners and futures run. Each subscription still gets its messages one at a time and
         * in order; the executor needs as many threads as subscriptions should be served at once. The
         * application shuts it down; the default is a pool the client makes and shuts down itself.
         */
        public Builder callbackExecutor(Executor value) {
            this.callbackExecutor = value;
            return this;
        }

        /** For tests: where the reconnect jitter's randomness comes from. */
        Builder random(DoubleSupplier value) {
            this.random = value;
            return this;
        }

        /**
         * Checks every value and returns the options.
         *
         * @throws IllegalArgumentException naming the first field that is wrong, its value and the rule
         */
        public ClientOptions build() {
            require(address != null, "address must be set");
            require(name == null || HelloOptions.isValidName(name), "name ('" + name + "') must be 1 to "
                    + HelloOptions.MAX_NAME_CHARS + " of A-Z a-z 0-9 _ . -");
            require(identity == null || HelloOptions.isValidIdentity(identity), "identity ('" + identity
                    + "') must be 1 to " + HelloOptions.MAX_IDENTITY_CHARS + " printable ASCII characters");
            require(!helloOptions.containsKey(HelloOptions.NAME) && !helloOptions.containsKey(HelloOptions.IDENTITY),
                    "helloOption: set the name and identity with name() and identity()");
            require(helloOptions.size() <= HelloOptions.MAX_OPTIONS - 4, "helloOption: at most "
                    + (HelloOptions.MAX_OPTIONS - 4) + " besides the name, identity and credentials");
            positive("connectTimeout", connectTimeout);
            require(reconnect != null, "reconnect must be set");
            require(maxPendingPublishes >= 1, "maxPendingPublishes (" + maxPendingPublishes
                    + ") must be at least 1");
            require(maxPendingBytes >= 1, "maxPendingBytes (" + maxPendingBytes + ") must be at least 1");
            require(publishWait != null && !publishWait.isNegative(), "publishWait (" + millis(publishWait)
                    + ") must not be negative");
            require(bufferMessages >= 1, "bufferMessages (" + bufferMessages + ") must be at least 1");
            require(bufferBytes >= 1, "bufferBytes (" + bufferBytes + ") must be at least 1");
            positive("pingInterval", pingInterval);
            positive("pingTimeout", pingTimeout);
            require(maxPayload >= 1, "maxPayload (" + maxPayload + ") must be at least 1");
            require(maxPayload <= Integer.MAX_VALUE - 64 * 1024, "maxPayload (" + maxPayload + ") is too large");
            require(receiveBuffer >= 0, "receiveBuffer (" + receiveBuffer + ") must be 0 (the system's) or more");
            require(listener != null, "listener must not be null");
            Objects.requireNonNull(random, "random");
            return new ClientOptions(this);
        }

        private static void positive(String field, Duration value) {
            require(value != null && value.toMillis() >= 1, field + " (" + millis(value)
                    + ") must be at least 1 ms");
        }

        private static String millis(Duration value) {
            return value == null ? "null" : value.toMillis() + " ms";
        }

        private static void require(boolean rule, String message) {
            if (!rule) {
                throw new IllegalArgumentException(message);
            }
        }
    }
}
