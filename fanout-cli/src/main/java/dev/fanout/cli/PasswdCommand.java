package dev.fanout.cli;

import dev.fanout.server.auth.Secrets;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fanout passwd}: a password's hash for the auth file, or a new token and its hash. */
@Command(name = "passwd",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Print a password's hash for the auth file (serve --auth), the password read without echo.",
            "With --token, make a new bearer token instead: print it once, and the hash the auth file keeps."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  ./fanout passwd                        asks for the password twice, prints its Argon2id hash",
            "  ./fanout passwd --token                a new token, and the line for the auth file",
            "  printf 'secret' | ./fanout passwd      the password from standard input (scripts)"
        })
final class PasswdCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--token", description = "Make a new random bearer token rather than hash a password.")
    private boolean token;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (token) {
            String made = Secrets.newToken();
            out.println("token (give it to the client; it is not kept anywhere): " + made);
            out.println("for the auth file: token = \"" + Secrets.hashToken(made) + "\"");
            out.flush();
            return 0;
        }
        char[] password = readPassword();
        try {
            if (password.length == 0) {
                throw new CommandFailure("the password is empty; give one");
            }
            out.println("password = \"" + Secrets.hashPassword(password) + "\"");
            out.flush();
            return 0;
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    /** From the terminal without echo, asked twice; else the first line of standard input. */
    private static char[] readPassword() throws IOException {
        Console console = System.console();
        if (console == null) {
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            return line == null ? new char[0] : line.toCharArray();
        }
        char[] first = console.readPassword("password: ");
        char[] second = console.readPassword("again: ");
        if (first == null || second == null || !Arrays.equals(first, second)) {
            throw new CommandFailure("the two passwords differ; run it again");
        }
        Arrays.fill(second, '\0');
        return first;
    }
}
