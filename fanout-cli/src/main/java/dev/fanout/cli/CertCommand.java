package dev.fanout.cli;

import dev.fanout.server.tls.SelfSignedPair;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fanout cert}: a self-signed certificate and key, for trying TLS out. */
@Command(name = "cert",
        mixinStandardHelpOptions = true,
        showDefaultValues = true,
        sortOptions = false,
        description = {
            "Make a self-signed certificate and its key, for trying TLS out: cert.pem and key.pem in --out.",
            "Clients trust it by being given the certificate itself. For a server others reach, use a certificate "
                    + "from your CA or Let's Encrypt instead."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  ./fanout cert --out tls                for localhost, 127.0.0.1 and ::1",
            "  ./fanout cert --out tls --name fanout.internal,10.0.0.5 --days 365",
            "                                         for the names clients use to reach it"
        })
final class CertCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Directory to write cert.pem and key.pem into; made if missing. Existing files are kept: "
                    + "the command stops instead.")
    private Path out;

    @Option(names = "--name", paramLabel = "NAME", split = ",",
            description = "Host names and IP addresses the certificate is for, as clients will connect. Default: "
                    + "localhost, 127.0.0.1 and ::1.")
    private List<String> names = SelfSignedPair.LOCAL_NAMES;

    @Option(names = "--days", defaultValue = "30", paramLabel = "N", description = "How long it is valid.")
    private int days;

    @Override
    public Integer call() {
        if (days < 1) {
            throw new IllegalArgumentException("--days must be at least 1");
        }
        SelfSignedPair pair = SelfSignedPair.write(out, "fanout " + names.get(0), names, Duration.ofDays(days));
        PrintWriter print = spec.commandLine().getOut();
        print.printf("wrote %s: a self-signed certificate for %s, valid %d days%n", pair.certificate(),
                String.join(", ", names), days);
        print.printf("wrote %s: its private key, readable by you alone%n", pair.key());
        print.printf("serve:   ./fanout serve --tls-cert %s --tls-key %s%n", pair.certificate(), pair.key());
        print.printf("connect: ./fanout chat %s:7071 --tls-ca %s   (sub and pub take --tls-ca too)%n",
                hostFor(names.get(0)), pair.certificate());
        print.flush();
        return 0;
    }

    private static String hostFor(String name) {
        return name.contains(":") ? "[" + name + "]" : name;
    }
}
