package dev.fanout.protocol.line;

/**
 * A telnet command that asks something of the session rather than of the connection, passed on by
 * {@link TelnetDecoder} as a message in its place in the stream.
 */
public enum TelnetSignal {
    /** {@code IAC IP} (Interrupt Process): the user pressed the interrupt key, Ctrl-C in telnet. */
    INTERRUPT,
    /** {@code IAC AYT} (Are You There): the user wants visible proof that the server is alive. */
    ARE_YOU_THERE
}
