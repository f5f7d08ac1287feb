package dev.fanout.cli;

import dev.fanout.server.Version;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/** The top-level {@code fanout} command; its subcommands do the work. */
@Command(name = "fanout",
        mixinStandardHelpOptions = true,
        versionProvider = FanoutCommand.VersionProvider.class,
        description = "Fan one stream out to many TCP clients, or let many people chat over telnet.",
        subcommands = {ServeCommand.class, SubCommand.class, PubCommand.class, ChatCommand.class, BenchCommand.class,
            CertCommand.class, PasswdCommand.class},
        footerHeading = "%nExamples:%n",
        footer = {
            "  ./fanout serve                        frames on 7070, chat on 7071",
            "  telnet localhost 7071                 chat with everyone connected",
            "  producer | ./fanout serve --source stdin   fan out a program's output",
            "  ./fanout sub 7070                     print every message of the stream",
            "  echo hello | ./fanout pub 7070        publish one message",
            "  ./fanout chat 7071 --nick alice       chat from this terminal",
            "  ./fanout bench --subscribers 100      measure fan-out against a running server",
            "  ./fanout cert --out tls               a self-signed pair for trying TLS out",
            "  ./fanout passwd                       a password's hash for the auth file (serve --auth)",
            "",
            "Run './fanout COMMAND --help' for the options of each command."
        })
final class FanoutCommand implements java.util.concurrent.Callable<Integer> {

    @picocli.CommandLine.Spec
    private picocli.CommandLine.Model.CommandSpec spec;

    /** No command given: show what there is, and fail as any missing argument does. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return spec.exitCodeOnInvalidInput();
    }

    /** Reports the version Maven stamped into the server module. */
    static final class VersionProvider implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"fanout " + Version.VERSION};
        }
    }
}
