package dev.fanout.server.tls;

import dev.fanout.server.session.CloseReason;
import dev.fanout.server.session.RefusalLog;
import dev.fanout.server.session.SessionStats;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's TLS: a context made from the PEM files the options name, given to each new connection on a TLS
 * listener, and made afresh on {@link #reload()} (SIGHUP) or once the files changed and then stayed as they are for a
 * second ({@link #checkFiles()}): a renewal that writes the certificate and then the key is not taken half done.
 * Open connections keep the context they started with, so a reload drops none; a reload that fails keeps the one in
 * use. TLS 1.3 and 1.2 only, with Netty's default ciphers (AEAD suites with forward secrecy), through OpenSSL
 * (BoringSSL from netty-tcnative) where it loads and the JDK's provider otherwise. Thread-safe.
 */
public final class ServerTls {

    private static final Logger log = LoggerFactory.getLogger(ServerTls.class);
    /** The protocol versions offered: older ones have known weaknesses. */
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private final TlsOptions options;
    private final Duration handshakeTimeout;
    private final SslProvider provider;
    private final SessionStats stats;
    private final RefusalLog refusals = new RefusalLog(log);
    /** Refused connections whose refusal waits for their handshake, at once (each holds a TLS engine). */
    private final AtomicInteger refusedWaiting = new AtomicInteger();
    private volatile Loaded current;
    // Guarded by this: what the files looked like at the last check, and at the last reload that failed.
    private List<String> seen;
    private List<String> failed;

    /** A context and what its files looked like when it was made. */
    private record Loaded(SslContext context, List<String> stamps, X509Certificate certificate) {
    }

    private ServerTls(TlsOptions options, Duration handshakeTimeout, SslProvider provider, SessionStats stats,
                      Loaded loaded) {
        this.options = options;
        this.handshakeTimeout = handshakeTimeout;
        this.provider = provider;
        this.stats = stats;
        this.current = loaded;
        this.seen = loaded.stamps();
    }

    /**
     * Loads the files {@code options} name; a client must finish its handshake within {@code handshakeTimeout}.
     *
     * @throws IllegalArgumentException saying which file is wrong and what to give instead
     */
    public static ServerTls open(TlsOptions options, Duration handshakeTimeout, SessionStats stats) {
        SslProvider provider = OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
        return new ServerTls(options, handshakeTimeout, provider, stats, load(options, provider));
    }

    private static Loaded load(TlsOptions options, SslProvider provider) {
        List<String> stamps = stamps(options);
        List<X509Certificate> chain = PemFiles.certificates(options.certificate(), "--tls-cert");
        PrivateKey key = PemFiles.privateKey(options.key(), "--tls-key");
        PemFiles.checkPair(key, chain.get(0), "--tls-key " + options.key(), "--tls-cert " + options.certificate());
        SslContextBuilder builder = SslContextBuilder.forServer(key, chain.toArray(X509Certificate[]::new))
                .sslProvider(provider)
                .protocols(PROTOCOLS);
        if (options.clientCa() != null) {
            List<X509Certificate> authorities = PemFiles.certificates(options.clientCa(), "--tls-client-ca");
            builder.trustManager(authorities.toArray(X509Certificate[]::new)).clientAuth(ClientAuth.REQUIRE);
        }
        try {
            return new Loaded(builder.build(), stamps, chain.get(0));
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot serve TLS with --tls-cert " + options.certificate()
                    + " and --tls-key " + options.key() + " (" + e.getMessage() + "); fanout cert --out DIR makes a "
                    + "pair that works, to compare", e);
        }
    }

    /** Modification time and size of each file, to notice a change. */
    private static List<String> stamps(TlsOptions options) {
        List<String> stamps = new ArrayList<>();
        for (Path file : new Path[] {options.certificate(), options.key(), options.clientCa()}) {
            if (file == null) {
                continue;
            }
            try {
                stamps.add(Files.getLastModifiedTime(file) + "/" + Files.size(file));
            } catch (IOException e) {
                stamps.add("missing");
            }
        }
        return stamps;
    }

    /** The options in use. */
    public TlsOptions options() {
        return options;
    }

    /**
     * Puts TLS in front of {@code channel}'s pipeline, then a gate that installs the listener's handlers once the
     * handshake is done ({@link TlsGate#install}) and only then tells them the connection is active. Call first when
     * the pipeline is built: anything written before the handshake (a refusal) waits for it and goes encrypted.
     *
     * @return the gate, to be given the handlers
     */
    public TlsGate secure(Channel channel, String listener) {
        SslHandler handler = current.context().newHandler(channel.alloc());
        handler.setHandshakeTimeoutMillis(handshakeTimeout.toMillis());
        TlsGate gate = new TlsGate(this, listener);
        channel.pipeline().addLast("tls", handler).addLast("tlsGate", gate);
        return gate;
    }

    /** Most refused connections whose refusal waits for their handshake at once; more are reset at once. */
    static final int MAX_REFUSED_WAITING = 64;
    /** How long a refused connection's handshake may take, so that its refusal reaches it encrypted. */
    static final long REFUSED_HANDSHAKE_MILLIS = 2_000;

    /**
     * A connection the limiter refused: its refusal (if any) waits for the handshake, for a short while and for a
     * bounded number of connections at once; past that it is reset at once.
     */
    void waitToRefuse(Channel channel) {
        if (!channel.isActive()) {
            return;
        }
        if (refusedWaiting.incrementAndGet() > MAX_REFUSED_WAITING) {
            refusedWaiting.decrementAndGet();
            channel.config().setOption(ChannelOption.SO_LINGER, 0);
            channel.close();
            return;
        }
        channel.closeFuture().addListener(closed -> refusedWaiting.decrementAndGet());
        SslHandler handler = channel.pipeline().get(SslHandler.class);
        handler.setHandshakeTimeoutMillis(Math.min(REFUSED_HANDSHAKE_MILLIS, handshakeTimeout.toMillis()));
    }

    /** A connection that never finished its handshake: counted, logged (a line per interval at most). */
    void refused(Channel channel, String listener, CloseReason reason, String why) {
        stats.countClose(reason);
        refusals.refused(channel.remoteAddress(), why + " on the " + listener + " listener");
    }

    /** The handshake deadline, for its refusal message. */
    long handshakeTimeoutMillis() {
        return handshakeTimeout.toMillis();
    }

    /**
     * Loads the files again: new connections use them from now on; open ones keep what they have.
     *
     * @param trigger what asked for it, for the log ({@code SIGHUP})
     * @return true if the new certificate is in use; false (and a warning saying why) if the one before still is
     */
    public synchronized boolean reload(String trigger) {
        try {
            Loaded loaded = load(options, provider);
            current = loaded;
            seen = loaded.stamps();
            failed = null;
            log.info("TLS certificate reloaded ({}): {}; new connections use it, open ones keep theirs", trigger,
                    describe(loaded.certificate()));
            warnIfOutOfDate(loaded.certificate());
            return true;
        } catch (IllegalArgumentException e) {
            failed = stamps(options);
            log.warn("TLS certificate not reloaded ({}), the one loaded before stays in use: {}", trigger,
                    e.getMessage());
            return false;
        }
    }

    /**
     * Reloads once the files changed and then stayed the same since the last check: call it every second or so.
     */
    public synchronized void checkFiles() {
        List<String> now = stamps(options);
        if (now.equals(current.stamps()) || now.equals(failed)) {
            seen = now;
            return;
        }
        if (now.equals(seen)) {
            reload("its files changed");
        } else {
            seen = now;
        }
    }

    /** What the start log says: the TLS engine, the certificate, and whether client certificates are asked. */
    public String describe() {
        String engine = provider == SslProvider.OPENSSL ? "OpenSSL (" + OpenSsl.versionString() + ", netty-tcnative)"
                : "the JDK's provider (OpenSSL did not load: " + Objects.toString(OpenSsl.unavailabilityCause()
                        == null ? null : OpenSsl.unavailabilityCause().getMessage()) + ")";
        return "TLS 1.3 and 1.2 by " + engine + "; " + describe(current.certificate()) + "; client certificates "
                + (options.clientCa() == null ? "not asked" : "required, checked against --tls-client-ca "
                + options.clientCa());
    }

    /** Warns at start if the certificate is out of date: clients will refuse it. */
    public void warnIfOutOfDate() {
        warnIfOutOfDate(current.certificate());
    }

    private static void warnIfOutOfDate(X509Certificate certificate) {
        Instant now = Instant.now();
        if (certificate.getNotAfter().toInstant().isBefore(now)) {
            log.warn("the TLS certificate expired on {}: clients that check it will refuse to connect; renew it and "
                    + "send SIGHUP (or just replace the files)", certificate.getNotAfter().toInstant());
        } else if (certificate.getNotBefore().toInstant().isAfter(now)) {
            log.warn("the TLS certificate is valid only from {}: check the clock", certificate.getNotBefore()
                    .toInstant());
        }
    }

    private static String describe(X509Certificate certificate) {
        return "certificate " + certificate.getSubjectX500Principal().getName() + " for " + names(certificate)
                + ", valid until " + certificate.getNotAfter().toInstant();
    }

    /** The names a client may check the certificate against (subject alternative names). */
    private static String names(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
            if (alternatives != null) {
                alternatives.forEach(name -> names.add(String.valueOf(name.get(1))));
            }
        } catch (CertificateParsingException e) {
            return "(unreadable names)";
        }
        return names.isEmpty() ? "no alternative names (clients that check the host name will refuse it)"
                : String.join(", ", names);
    }
}
