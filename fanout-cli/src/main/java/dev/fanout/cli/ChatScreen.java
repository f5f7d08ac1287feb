package dev.fanout.cli;

import java.io.Console;
import java.io.IOException;
import java.lang.reflect.Method;

/**
 * Where {@code fanout chat} reads what you type and shows what others say. In a terminal, a line editor
 * ({@link TerminalChatScreen}) keeps the two apart; otherwise plain lines in and out ({@link PlainChatScreen}),
 * which scripts and tests rely on.
 */
interface ChatScreen extends AutoCloseable {

    /**
     * Waits for the next line typed.
     *
     * @return the line, without its end; null when the user leaves (end of input, or Ctrl-D or Ctrl-C in a
     *         terminal)
     * @throws IOException if standard input fails
     */
    String readLine() throws IOException;

    /** Shows a line from the server. Thread-safe: called while another thread waits in {@link #readLine()}. */
    void show(String line);

    /** Gives the terminal back as it was found. */
    @Override
    void close();

    /** A line editor when standard input and output are a terminal, else plain lines. */
    static ChatScreen open() {
        if (interactive()) {
            try {
                return TerminalChatScreen.open();
            } catch (IOException | RuntimeException e) {
                // No usable terminal after all (an unknown terminal type, say): plain lines still work.
                return new PlainChatScreen();
            }
        }
        return new PlainChatScreen();
    }

    /**
     * Whether standard input and output are a terminal. Before JDK 22 a console exists only then; from JDK 22
     * there may be one either way, and {@code Console.isTerminal()} (absent before JDK 22) tells.
     */
    private static boolean interactive() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (NoSuchMethodException e) {
            return true;
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }
}
