package dev.fanout.cli;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/** Entry point of {@code fanout.jar}. */
public final class Main {

    private Main() {
    }

    /** Runs the command line and exits with its status. */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, for {@link #main} and tests. */
    static CommandLine commandLine() {
        return new CommandLine(new FanoutCommand())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setUsageHelpAutoWidth(true)
                .setExecutionExceptionHandler(new Failures())
                .setParameterExceptionHandler(Main::badArguments);
    }

    /** A bad option or value: one line saying what is wrong and where the help is, not the whole usage. */
    private static int badArguments(CommandLine.ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        String name = command.getCommandSpec().qualifiedName();
        command.getErr().println(name + ": " + e.getMessage());
        command.getErr().println("Run '" + name.replace("fanout", "./fanout") + " --help' for the options.");
        command.getErr().flush();
        return command.getCommandSpec().exitCodeOnInvalidInput();
    }

    /**
     * Prints expected failures (a refused connection, a bad option value) as one line that says what to do,
     * and anything else with its stack trace, which is a bug worth reporting.
     */
    private static final class Failures implements IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception e, CommandLine command, ParseResult parsed) {
            String name = command.getCommandSpec().qualifiedName();
            if (e instanceof CommandFailure || e instanceof IllegalArgumentException
                    || e instanceof IllegalStateException) {
                command.getErr().println(name + ": " + e.getMessage());
            } else {
                command.getErr().println(name + ": unexpected error: " + e);
                e.printStackTrace(command.getErr());
            }
            command.getErr().flush();
            return 1;
        }
    }
}
