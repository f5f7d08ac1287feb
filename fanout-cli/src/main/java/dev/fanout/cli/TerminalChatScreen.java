package dev.fanout.cli;

import java.io.IOException;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * A terminal with a JLine line editor: what others say is printed above the line being typed, which is then
 * drawn again as it was. Emacs-style editing, and this session's lines on the up and down arrows (kept in memory
 * only: nothing is written to disk). Ctrl-D on an empty line and Ctrl-C both leave, as they end {@code nc} or
 * {@code telnet}; Ctrl-U clears the line.
 */
final class TerminalChatScreen implements ChatScreen {

    /** Shown before the line being typed, and before each line sent, so your own words stand apart. */
    static final String PROMPT = "> ";

    private final Terminal terminal;
    private final LineReader reader;

    private TerminalChatScreen(Terminal terminal, LineReader reader) {
        this.terminal = terminal;
        this.reader = reader;
    }

    /**
     * Takes over the system terminal.
     *
     * @throws IOException or IllegalStateException if there is none to take
     */
    static TerminalChatScreen open() throws IOException {
        // dumb(false): fail rather than fall back to a dumb terminal with a warning; plain lines do better.
        Terminal terminal = TerminalBuilder.builder().system(true).dumb(false).name("fanout chat").build();
        try {
            LineReader reader = LineReaderBuilder.builder()
                    .terminal(terminal)
                    .appName("fanout chat")
                    // Chat text is sent as typed: '!' is not history expansion, a tab is a tab.
                    .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
                    .option(LineReader.Option.INSERT_TAB, true)
                    .option(LineReader.Option.HISTORY_IGNORE_DUPS, true)
                    .build();
            return new TerminalChatScreen(terminal, reader);
        } catch (RuntimeException e) {
            terminal.close();
            throw e;
        }
    }

    @Override
    public String readLine() {
        try {
            return reader.readLine(PROMPT);
        } catch (EndOfFileException | UserInterruptException e) {
            return null;
        }
    }

    @Override
    public void show(String line) {
        reader.printAbove(line);
    }

    @Override
    public void close() {
        if (reader.isReading()) {
            // The server ended the chat mid-line: what follows starts on a line of its own.
            terminal.writer().println();
            terminal.flush();
        }
        try {
            terminal.close();
        } catch (IOException e) {
            // Leaving anyway; the terminal is as restored as it will be.
        }
    }
}
