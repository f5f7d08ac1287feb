package dev.fanout.cli;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

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

    /**
     * A bad option or value: one line saying what is wrong (with the closest commands or options to one that does
     * not exist) and where the help is, not the whole usage.
     */
    private static int badArguments(ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        String name = command.getCommandSpec().qualifiedName();
        boolean unknownCommand = unknownCommand(e);
        command.getErr().println(name + ": " + describe(e));
        command.getErr().println("Run '" + name.replace("fanout", "./fanout") + " --help' for the "
                + (unknownCommand ? "commands" : "options") + ".");
        command.getErr().flush();
        return command.getCommandSpec().exitCodeOnInvalidInput();
    }

    /** picocli's message, or for a word it does not know, which word and what may have been meant. */
    static String describe(ParameterException e) {
        if (!(e instanceof UnmatchedArgumentException unmatched) || unmatched.getUnmatched().isEmpty()) {
            return e.getMessage();
        }
        CommandSpec spec = e.getCommandLine().getCommandSpec();
        String arg = unmatched.getUnmatched().get(0);
        if (unmatched.isUnknownOption()) {
            String option = arg.split("=", 2)[0];
            List<String> names = spec.options().stream()
                    .filter(o -> !o.hidden())
                    .flatMap(o -> Arrays.stream(o.names()))
                    .filter(n -> n.startsWith("--"))
                    .toList();
            return "unknown option '" + option + "'" + Suggestions.didYouMean(Suggestions.closest(option, names));
        }
        if (unknownCommand(e)) {
            List<String> commands = spec.subcommands().entrySet().stream()
                    .filter(c -> !c.getValue().getCommandSpec().usageMessage().hidden())
                    .map(Map.Entry::getKey)
                    .toList();
            return "unknown command '" + arg + "'" + Suggestions.didYouMean(Suggestions.closest(arg, commands));
        }
        return "unexpected argument '" + arg + "'";
    }

    private static boolean unknownCommand(ParameterException e) {
        return e instanceof UnmatchedArgumentException unmatched && !unmatched.isUnknownOption()
                && !unmatched.getUnmatched().isEmpty()
                && !e.getCommandLine().getCommandSpec().subcommands().isEmpty();
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
