package dev.fanout.cli;

import dev.fanout.client.ClientOptions;
import dev.fanout.client.ClientTls;

/**
 * The server a client command talks to in control mode, and how: its address, TLS (or null) and who to log in as.
 *
 * @param endpoint where
 * @param tls      the TLS to speak, or null for plaintext
 * @param login    the credentials flags
 */
record ClientTarget(Endpoint endpoint, ClientTls tls, LoginFlags login) {

    /** Client options that reach it: the address, TLS and credentials set; the rest as the command needs. */
    ClientOptions.Builder options() {
        return login.applyTo(ClientOptions.builder()).address(endpoint.host(), endpoint.port()).tls(tls);
    }
}
