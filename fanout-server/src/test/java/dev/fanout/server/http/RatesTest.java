package dev.fanout.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class RatesTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void aRate_isMeasuredOverASecondOrMore_andStandsWhenAskedSooner() {
        Rates rates = new Rates();

        assertThat(rates.perSecond("news", 100, 0)).isZero();
        assertThat(rates.perSecond("news", 150, SECOND / 2)).as("asked sooner: the last figure").isZero();
        assertThat(rates.perSecond("news", 400, 2 * SECOND)).isEqualTo(150.0);
        assertThat(rates.perSecond("news", 410, 2 * SECOND + SECOND / 3)).isEqualTo(150.0);
        assertThat(rates.perSecond("news", 50, 3 * SECOND)).as("a counter made again: no negative rate").isZero();
    }

    @Test
    void countersNotKept_areForgotten_butTheServersStay() {
        Rates rates = new Rates();
        rates.perSecond("gone", 10, 0);
        rates.perSecond("/published", 10, 0);

        rates.retain(Set.of());

        assertThat(rates.perSecond("gone", 20, 2 * SECOND)).as("started afresh").isZero();
        assertThat(rates.perSecond("/published", 20, 2 * SECOND)).isEqualTo(5.0);
    }
}
