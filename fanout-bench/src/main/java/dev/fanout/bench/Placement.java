package dev.fanout.bench;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which server each of the bench's connections goes to: subscriber {@code i} (stuck ones counted after the
 * others) to {@code subscribeTo[i % n]}, publisher {@code p} to {@code publishTo[p % m]}. With several fanout
 * nodes of one cluster ({@code fanout serve --redis}), subscribers spread over some nodes and publishers sent to
 * another measure what the cluster delivers across nodes; one address for both is the usual single server.
 *
 * @param subscribeTo where subscribers connect, round-robin; at least one
 * @param publishTo   where publishers connect, round-robin; at least one
 */
public record Placement(List<Address> subscribeTo, List<Address> publishTo) {

    /** Copies the lists, and checks that neither is empty. */
    public Placement {
        subscribeTo = List.copyOf(subscribeTo);
        publishTo = List.copyOf(publishTo);
        if (subscribeTo.isEmpty()) {
            throw new IllegalArgumentException("subscribeTo must name at least one server");
        }
        if (publishTo.isEmpty()) {
            throw new IllegalArgumentException("publishTo must name at least one server");
        }
    }

    /** Everyone on one server. */
    public static Placement single(String host, int port) {
        List<Address> one = List.of(new Address(host, port));
        return new Placement(one, one);
    }

    /** Where subscriber {@code index} connects. */
    Address subscriber(int index) {
        return subscribeTo.get(index % subscribeTo.size());
    }

    /** Where publisher {@code index} connects. */
    Address publisher(int index) {
        return publishTo.get(index % publishTo.size());
    }

    /** Whether connections go to more than one server. */
    public boolean spread() {
        Set<Address> all = new LinkedHashSet<>(subscribeTo);
        all.addAll(publishTo);
        return all.size() > 1;
    }

    /** For reports: {@code 127.0.0.1:7070}, or {@code subscribers on A, B; publishers on C}. */
    String describe() {
        if (!spread()) {
            return subscribeTo.get(0).toString();
        }
        return "subscribers on " + join(subscribeTo) + "; publishers on " + join(publishTo);
    }

    private static String join(List<Address> addresses) {
        return String.join(", ", addresses.stream().map(Address::toString).toList());
    }
}
