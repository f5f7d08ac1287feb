package dev.fanout.cli;

import dev.fanout.client.ClientOptions;
import java.io.Console;
import picocli.CommandLine.Help;
import picocli.CommandLine.Option;

/** Who the client commands log in as, on a server with an auth file (serve --auth), as a picocli mixin. */
final class LoginFlags {

    @Option(names = "--user", paramLabel = "NAME",
            description = "Log in as NAME; the password comes from --password, FANOUT_PASSWORD, or is asked.")
    private String user;

    @Option(names = "--password", paramLabel = "SECRET", defaultValue = "${env:FANOUT_PASSWORD}",
            showDefaultValue = Help.Visibility.NEVER,
            description = "The password for --user. Default: the environment variable FANOUT_PASSWORD, which keeps "
                    + "it out of ps listings; without either it is asked on the terminal.")
    private String password;

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "Log in with a bearer token (fanout passwd --token) instead: sub and pub with --topic. "
                    + "Without it, they take the environment variable FANOUT_TOKEN, which keeps it out of ps "
                    + "listings.")
    private String token;

    /** Whether credentials were given on the command line. */
    boolean given() {
        return user != null || token != null;
    }

    /** Adds the credentials to {@code options}: --user, else --token, else FANOUT_TOKEN if set. */
    ClientOptions.Builder applyTo(ClientOptions.Builder options) {
        if (user != null) {
            return options.login(user, password());
        }
        String chosen = token != null ? token : System.getenv("FANOUT_TOKEN");
        if (chosen != null && !chosen.isBlank()) {
            return options.token(chosen.strip());
        }
        return options;
    }

    /** The chat line that logs in ({@code /login NAME SECRET}), or null without --user. */
    String loginLine() {
        if (user == null) {
            if (token != null) {
                throw new IllegalArgumentException("chat logs in with --user and a password; a token is for sub "
                        + "and pub with --topic");
            }
            return null;
        }
        return "/login " + user + " " + password();
    }

    private String password() {
        if (password != null && !password.isEmpty()) {
            return password;
        }
        Console console = System.console();
        if (console == null) {
            throw new IllegalArgumentException("--user " + user + " needs a password: set FANOUT_PASSWORD, or give "
                    + "--password");
        }
        char[] typed = console.readPassword("password for %s: ", user);
        if (typed == null || typed.length == 0) {
            throw new IllegalArgumentException("no password given for --user " + user);
        }
        return new String(typed);
    }
}
