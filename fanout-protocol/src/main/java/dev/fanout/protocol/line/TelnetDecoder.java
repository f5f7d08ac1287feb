package dev.fanout.protocol.line;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Takes the telnet protocol (RFC 854) out of a lines client's bytes, so that telnet users are served as well
 * as nc users. Telnet commands start with IAC, byte 255, which UTF-8 text never holds, so a client that
 * sends text only (nc, scripts) passes through untouched.
 *
 * <pre>
 * IAC DO|DONT|WILL|WONT option    FF FD|FE|FB|FC xx   option negotiation
 * IAC SB option ... IAC SE        FF FA xx ... FF F0  subnegotiation (IAC IAC inside stands for 255)
 * IAC IAC                         FF FF               the data byte 255
 * IAC command                     FF F1..F9           NOP, DM, BRK, IP (F4), AO, AYT (F6), EC, EL, GA
 * </pre>
 *
 * <p>What it does with each:
 * <ul>
 *   <li>It supports no option and keeps the connection in telnet's default line-at-a-time mode, so it
 *       refuses every request: {@code DO x} is answered {@code WONT x} and {@code WILL x} is answered
 *       {@code DONT x}. {@code DONT} and {@code WONT} agree with that state and are not answered (RFC 1143:
 *       answering them could loop). The exception is {@code DO TIMING-MARK} (option 6, RFC 860), answered
 *       {@code WILL TIMING-MARK} once the text before it has been passed on: telnet sends it after Ctrl-C
 *       and shows nothing more until the answer comes.</li>
 *   <li>Subnegotiations and the other commands are dropped. {@code IAC IP} is passed on as
 *       {@link TelnetSignal#INTERRUPT}, after any negotiation that came in the same read (telnet sends
 *       {@code IAC IP IAC DO TIMING-MARK} in one write), so the timing mark's answer reaches the client
 *       before whatever the interrupt makes the session say: telnet discards what comes before it.
 *       {@code IAC AYT} is passed on as {@link TelnetSignal#ARE_YOU_THERE}.</li>
 *   <li>{@code IAC IAC} is passed on as the byte 255, and an IAC followed by a byte that is no telnet
 *       command is passed on with that byte. 255 never occurs in UTF-8, so the line decoder after this one
 *       reports such a line as not valid UTF-8, as it did before telnet was understood.</li>
 * </ul>
 *
 * <p>Sequences split across reads are handled: the state is kept between reads, and no bytes are buffered.
 * Answers are not sent while the channel is not writable, so a client that floods requests and never reads
 * cannot make the server hold its answers. Takes ownership of each {@link ByteBuf} it reads: passes it on
 * whole when it holds no telnet command, or passes on retained slices of its text and releases it.
 * Stateful: one instance per channel.
 */
public final class TelnetDecoder extends ChannelInboundHandlerAdapter {

    static final int IAC = 255;
    static final int DONT = 254;
    static final int DO = 253;
    static final int WONT = 252;
    static final int WILL = 251;
    static final int SB = 250;
    static final int AYT = 246;
    static final int IP = 244;
    static final int SE = 240;
    static final int TIMING_MARK = 6;

    private enum State {
        /** Text. */
        DATA,
        /** After IAC. */
        COMMAND,
        /** After IAC and a verb (DO, DONT, WILL, WONT): the option comes next. */
        OPTION,
        /** Inside IAC SB ... IAC SE. */
        SUBNEGOTIATION,
        /** After IAC inside a subnegotiation. */
        SUBNEGOTIATION_COMMAND
    }

    private State state = State.DATA;
    /** The verb of the negotiation being read, in state OPTION. */
    private int verb;
    /** An IAC IP waits to be passed on until the sequences that came with it are answered. */
    private boolean interruptPending;
    /** Answers written during the current read, to be flushed at its end. */
    private boolean answered;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (state == State.DATA && in.bytesBefore((byte) IAC) < 0) {
            ctx.fireChannelRead(in);
            return;
        }
        try {
            decode(ctx, in);
        } finally {
            in.release();
        }
        if (answered) {
            answered = false;
            ctx.flush();
        }
    }

    private void decode(ChannelHandlerContext ctx, ByteBuf in) {
        int textStart = -1;
        for (int i = in.readerIndex(); i < in.writerIndex(); i++) {
            int b = in.getUnsignedByte(i);
            switch (state) {
                case DATA -> {
                    if (b == IAC) {
                        passText(ctx, in, textStart, i);
                        textStart = -1;
                        state = State.COMMAND;
                    } else if (textStart < 0) {
                        passInterrupt(ctx);
                        textStart = i;
                    }
                }
                case COMMAND -> {
                    state = State.DATA;
                    if (b == IAC) {
                        // The data byte 255: the second IAC is that byte, and text goes on from it.
                        passInterrupt(ctx);
                        textStart = i;
                    } else if (b < SE) {
                        // Not telnet: pass the IAC (perhaps read earlier) and this byte on as text.
                        passInterrupt(ctx);
                        ctx.fireChannelRead(Unpooled.wrappedBuffer(new byte[] {(byte) IAC}));
                        textStart = i;
                    } else {
                        command(ctx, b);
                    }
                }
                case OPTION -> {
                    state = State.DATA;
                    negotiate(ctx, verb, b);
                }
                case SUBNEGOTIATION -> {
                    if (b == IAC) {
                        state = State.SUBNEGOTIATION_COMMAND;
                    }
                }
                case SUBNEGOTIATION_COMMAND -> {
                    if (b == SE) {
                        state = State.DATA;
                    } else if (b == IAC) {
                        state = State.SUBNEGOTIATION;
                    } else {
                        // A subnegotiation left without its IAC SE: read this byte as the command it starts.
                        state = State.COMMAND;
                        i--;
                    }
                }
            }
        }
        if (state == State.DATA) {
            passText(ctx, in, textStart, in.writerIndex());
            passInterrupt(ctx);
        }
    }

    private void command(ChannelHandlerContext ctx, int command) {
        switch (command) {
            case DO, DONT, WILL, WONT -> {
                verb = command;
                state = State.OPTION;
            }
            case SB -> state = State.SUBNEGOTIATION;
            case IP -> interruptPending = true;
            case AYT -> ctx.fireChannelRead(TelnetSignal.ARE_YOU_THERE);
            default -> {
                // NOP, DM, BRK, AO, EC, EL, GA, and a stray SE: nothing to do in line mode.
            }
        }
    }

    private void negotiate(ChannelHandlerContext ctx, int request, int option) {
        if (request == DO) {
            answer(ctx, option == TIMING_MARK ? WILL : WONT, option);
        } else if (request == WILL) {
            answer(ctx, DONT, option);
        }
    }

    private void answer(ChannelHandlerContext ctx, int reply, int option) {
        if (ctx.channel().isWritable()) {
            ctx.write(Unpooled.wrappedBuffer(new byte[] {(byte) IAC, (byte) reply, (byte) option}));
            answered = true;
        }
    }

    private static void passText(ChannelHandlerContext ctx, ByteBuf in, int start, int end) {
        if (start >= 0 && end > start) {
            ctx.fireChannelRead(in.retainedSlice(start, end - start));
        }
    }

    private void passInterrupt(ChannelHandlerContext ctx) {
        if (interruptPending) {
            interruptPending = false;
            ctx.fireChannelRead(TelnetSignal.INTERRUPT);
        }
    }
}
