package dev.fanout.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

class EndpointTest {

    @Test
    void parse_barePort_meansLoopback() {
        assertThat(Endpoint.parse("7070")).isEqualTo(new Endpoint("127.0.0.1", 7070));
    }

    @Test
    void parse_hostAndPort() {
        assertThat(Endpoint.parse("example.com:7070")).isEqualTo(new Endpoint("example.com", 7070));
        assertThat(Endpoint.parse("10.0.0.5:1")).isEqualTo(new Endpoint("10.0.0.5", 1));
        assertThat(Endpoint.parse("localhost:65535")).isEqualTo(new Endpoint("localhost", 65535));
    }

    @Test
    void parse_bracketedIpv6AndPort() {
        assertThat(Endpoint.parse("[::1]:7070")).isEqualTo(new Endpoint("::1", 7070));
        assertThat(Endpoint.parse("[fe80::1]:9000")).isEqualTo(new Endpoint("fe80::1", 9000));
    }

    @Test
    void toString_bracketsIpv6() {
        assertThat(Endpoint.parse("[::1]:7070")).hasToString("[::1]:7070");
        assertThat(Endpoint.parse("7070")).hasToString("127.0.0.1:7070");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abc", "0", "65536", "-1", ":7070", "host:", "host:abc", "host:0", "[::1]",
        "[]:7070", "7070x"})
    void parse_notAnEndpoint_isRejectedWithTheForms(String text) {
        assertThatThrownBy(() -> Endpoint.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'" + text + "' is not [HOST:]PORT: write e.g. 7070, localhost:7070 or [::1]:7070");
    }

    /** Regression: "::1" was read as host ":" and port 1, and "::1:7070" as a guess at what was meant. */
    @ParameterizedTest
    @ValueSource(strings = {"::1", "::1:7070", "fe80::1:9000"})
    void parse_ipv6WithoutBrackets_isRejected(String text) {
        assertThatThrownBy(() -> Endpoint.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("'" + text + "' is not [HOST:]PORT");
    }

    @Test
    void converter_turnsErrorsIntoTypeConversionErrors() {
        Endpoint.Converter converter = new Endpoint.Converter();

        assertThat(converter.convert("host:1")).isEqualTo(new Endpoint("host", 1));
        assertThatThrownBy(() -> converter.convert("nope"))
                .isInstanceOf(TypeConversionException.class)
                .hasMessageStartingWith("'nope' is not [HOST:]PORT");
    }
}
