package dev.fanout.server.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.local.LocalAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

class AddressesTest {

    /** Regression: the console's /list showed Java's /[0:0:0:0:0:0:0:1]:47700. */
    @Test
    void format_ipv6Loopback_isShortAndBracketed() {
        assertThat(Addresses.format(new InetSocketAddress("::1", 47700))).isEqualTo("[::1]:47700");
    }

    @Test
    void format_ipv4_hasNoLeadingSlash() {
        assertThat(Addresses.format(new InetSocketAddress("127.0.0.1", 47700))).isEqualTo("127.0.0.1:47700");
    }

    @Test
    void format_ipv6_isInItsShortestForm() {
        assertThat(Addresses.format(new InetSocketAddress("2001:db8:0:0:0:0:0:1", 7071)))
                .isEqualTo("[2001:db8::1]:7071");
    }

    @Test
    void format_ipv4MappedIpv6_isShownAsIpv4() throws UnknownHostException {
        InetAddress mapped = InetAddress.getByName("::ffff:10.0.0.7");
        assertThat(Addresses.format(new InetSocketAddress(mapped, 7071))).isEqualTo("10.0.0.7:7071");
    }

    @Test
    void format_scopedIpv6_keepsItsScope() throws UnknownHostException {
        InetAddress scoped = InetAddress.getByName("fe80::1%3");
        assertThat(Addresses.format(new InetSocketAddress(scoped, 7071))).isEqualTo("[fe80::1%3]:7071");
    }

    @Test
    void format_unresolved_showsTheHostName() {
        assertThat(Addresses.format(InetSocketAddress.createUnresolved("example.org", 7070)))
                .isEqualTo("example.org:7070");
    }

    @Test
    void format_otherKindsAndNull_doNotFail() {
        assertThat(Addresses.format(new LocalAddress("embedded"))).isEqualTo("local:embedded");
        assertThat(Addresses.format(null)).isEqualTo("unknown address");
    }
}
