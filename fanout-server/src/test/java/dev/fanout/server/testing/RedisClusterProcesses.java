package dev.fanout.server.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A real Redis Cluster of three masters (no replicas) on free ports of 127.0.0.1, for tests of fanout's cluster
 * mode: sharded channels and keys only behave as in production against real cluster nodes. Each node is a
 * {@link RedisProcess} with AOF on, in its own subdirectory ({@code node-1} to {@code node-3}) of the given
 * directory, so a test can kill and restart one node. The slots are assigned by {@code redis-cli --cluster
 * create}, whose output goes to {@code target/redis/cluster-create-PORT.log}. Closing kills every node.
 */
public final class RedisClusterProcesses implements AutoCloseable {

    private static final int NODES = 3;
    /** Redis Cluster's bus listens on the node's port plus this; it has to be free as well. */
    private static final int BUS_PORT_OFFSET = 10_000;
    /** Ports above this would put the bus port past 65535. */
    private static final int MAX_PORT = 55_000;
    private static final int PORT_ATTEMPTS = 100;
    private static final Duration PATIENCE = TestServer.PATIENCE;
    /** A node timeout of 2 s: a killed node is marked failed well within a test's patience. */
    private static final RedisProcess.Options NODE_OPTIONS = RedisProcess.Options.defaults().withExtraArguments(
            "--cluster-enabled", "yes",
            "--cluster-config-file", "nodes.conf",
            "--cluster-node-timeout", "2000");

    private final List<RedisProcess> nodes;

    private RedisClusterProcesses(List<RedisProcess> nodes) {
        this.nodes = List.copyOf(nodes);
    }

    /**
     * Starts three cluster nodes in subdirectories of {@code directory}, gives them all the slots, and returns
     * once every node reports {@code cluster_state:ok}.
     *
     * @throws AssertionError if redis-server or redis-cli is missing, or the cluster does not form in time
     */
    public static RedisClusterProcesses start(Path directory) {
        Path cli = RedisProcess.find("redis-cli");
        List<RedisProcess> nodes = new ArrayList<>();
        Set<Integer> portsUsed = new HashSet<>();
        try {
            for (int i = 1; i <= NODES; i++) {
                nodes.add(RedisProcess.start(directory.resolve("node-" + i), NODE_OPTIONS,
                        () -> freeNodePort(portsUsed)));
            }
            RedisClusterProcesses cluster = new RedisClusterProcesses(nodes);
            cluster.create(cli);
            cluster.awaitStateOk();
            return cluster;
        } catch (RuntimeException | Error e) {
            nodes.forEach(RedisProcess::close);
            throw e;
        }
    }

    /** The nodes' client ports, in node order. */
    public List<Integer> ports() {
        return nodes.stream().map(RedisProcess::port).toList();
    }

    /** Where fanout reaches the cluster: {@code redis-cluster://127.0.0.1:P1,127.0.0.1:P2,127.0.0.1:P3}. */
    public String uri() {
        return "redis-cluster://" + addresses(",");
    }

    /** The nodes as a list of Redis URIs: {@code redis://127.0.0.1:P1,redis://127.0.0.1:P2,...}. */
    public String seeds() {
        return nodes.stream().map(RedisProcess::uri).collect(Collectors.joining(","));
    }

    /** Node {@code index}, from 0, to kill, restart or send commands to. */
    public RedisProcess node(int index) {
        return nodes.get(index);
    }

    /**
     * The node that serves {@code key}'s slot, as that node itself says: a plain command for the key sent
     * anywhere else is answered {@code MOVED}.
     *
     * @throws AssertionError if no running node claims the slot
     */
    public RedisProcess nodeOwning(String key) {
        int slot = Integer.parseInt(nodes.get(0).command("CLUSTER", "KEYSLOT", key));
        for (RedisProcess node : nodes) {
            if (node.isAlive() && ownSlots(node).stream().anyMatch(range -> range.contains(slot))) {
                return node;
            }
        }
        throw new AssertionError("no running node claims slot " + slot + " of key " + key);
    }

    /** Kills every node, even if killing one fails. */
    @Override
    public void close() {
        AssertionError failure = null;
        for (RedisProcess node : nodes) {
            try {
                node.close();
            } catch (AssertionError e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private void create(Path cli) {
        List<String> command = new ArrayList<>(List.of(cli.toString(), "--cluster", "create"));
        nodes.forEach(node -> command.add("127.0.0.1:" + node.port()));
        command.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
        Path log = RedisProcess.logFile("cluster-create-" + nodes.get(0).port());
        try {
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            if (!process.waitFor(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish within " + PATIENCE
                        + "; its output:\n" + read(log));
            }
            if (process.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + " exited with status " + process.exitValue()
                        + "; its output:\n" + read(log));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while creating the cluster", e);
        }
    }

    private void awaitStateOk() {
        try {
            await("cluster_state:ok on every node of " + uri())
                    .atMost(PATIENCE)
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> nodes.stream().allMatch(node -> clusterInfo(node).contains("cluster_state:ok")));
        } catch (ConditionTimeoutException e) {
            StringBuilder states = new StringBuilder();
            nodes.forEach(node -> states.append('\n').append(node.port()).append(": ").append(clusterInfo(node)
                    .lines().filter(line -> line.startsWith("cluster_state")).findFirst().orElse("?")));
            throw new AssertionError("the cluster did not reach cluster_state:ok within " + PATIENCE + ":" + states,
                    e);
        }
    }

    private String addresses(String separator) {
        return nodes.stream().map(node -> "127.0.0.1:" + node.port()).collect(Collectors.joining(separator));
    }

    private static String clusterInfo(RedisProcess node) {
        try {
            return node.command("CLUSTER", "INFO");
        } catch (UncheckedIOException | AssertionError e) {
            return "(no answer: " + e.getMessage() + ")";
        }
    }

    /**
     * The slot ranges {@code node} serves, from the {@code myself} line of its {@code CLUSTER NODES}: fields
     * from the ninth on are {@code FROM-TO} or a single slot ({@code [..]} entries are migrations, skipped).
     */
    private static List<SlotRange> ownSlots(RedisProcess node) {
        String myself = node.command("CLUSTER", "NODES").lines()
                .filter(line -> line.contains("myself"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("CLUSTER NODES of " + node.uri() + " has no myself line"));
        String[] fields = myself.trim().split(" ");
        List<SlotRange> ranges = new ArrayList<>();
        for (int i = 8; i < fields.length; i++) {
            if (fields[i].startsWith("[")) {
                continue;
            }
            String[] bounds = fields[i].split("-");
            int from = Integer.parseInt(bounds[0]);
            ranges.add(new SlotRange(from, bounds.length > 1 ? Integer.parseInt(bounds[1]) : from));
        }
        return ranges;
    }

    /**
     * A free loopback port below {@link #MAX_PORT} whose bus port is free too, and neither used by another node
     * of this cluster. {@code used} collects what it hands out.
     */
    private static int freeNodePort(Set<Integer> used) {
        for (int attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
            int port = RedisProcess.freePort();
            int bus = port + BUS_PORT_OFFSET;
            if (port < MAX_PORT && !used.contains(port) && !used.contains(bus) && isFree(bus)) {
                used.add(port);
                used.add(bus);
                return port;
            }
        }
        throw new AssertionError("found no free port below " + MAX_PORT + " with a free cluster bus port (+"
                + BUS_PORT_OFFSET + ") in " + PORT_ATTEMPTS + " attempts");
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort() == port;
        } catch (IOException e) {
            return false;
        }
    }

    private static String read(Path log) {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    /** Slots {@code from} to {@code to}, both included. */
    private record SlotRange(int from, int to) {

        boolean contains(int slot) {
            return slot >= from && slot <= to;
        }
    }
}
