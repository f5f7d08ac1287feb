package dev.fanout.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Plain lines: standard input read a line at a time, each incoming line printed as it comes. For pipes, files
 * and scripts; in a terminal it would mix incoming lines into the one being typed.
 */
final class PlainChatScreen implements ChatScreen {

    private final BufferedReader typed = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    private final PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);

    @Override
    public String readLine() throws IOException {
        return typed.readLine();
    }

    @Override
    public void show(String line) {
        out.println(line);
    }

    @Override
    public void close() {
        out.flush();
    }
}
