package io.realtime.jakarta.ws.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.websocket.Session;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** X-Forwarded-For is believed only from a trusted proxy. */
class ClientAddressTest {

  private static Session sessionFrom(String peer) {
    Map<String, Object> properties = new HashMap<>();
    properties.put(ClientAddress.REMOTE_ADDRESS_PROPERTY, new InetSocketAddress(peer, 40000));
    return (Session)
        Proxy.newProxyInstance(
            Session.class.getClassLoader(),
            new Class<?>[] {Session.class},
            (proxy, method, args) ->
                method.getName().equals("getUserProperties") ? properties : null);
  }

  @Test
  void theForwardedAddressCountsOnlyBehindATrustedProxy() {
    List<String> forwarded = List.of("203.0.113.7, 10.0.0.2");

    assertThat(
            ClientAddress.resolve(
                sessionFrom("10.0.0.1"),
                forwarded,
                TrustedProxies.of(Set.of("10.0.0.1", "10.0.0.2"))))
        .isEqualTo("203.0.113.7");
    assertThat(
            ClientAddress.resolve(
                sessionFrom("198.51.100.9"), forwarded, TrustedProxies.of(Set.of("10.0.0.1"))))
        .as("a client cannot spoof its address")
        .isEqualTo("198.51.100.9");
    assertThat(
            ClientAddress.resolve(
                sessionFrom("10.0.0.1"), List.of(), TrustedProxies.of(Set.of("10.0.0.1"))))
        .isEqualTo("10.0.0.1");
  }

  @Test
  void theClientIsTheFirstUntrustedAddressFromTheRight() {
    Session proxy = sessionFrom("10.0.0.1");
    TrustedProxies trusted = TrustedProxies.of(Set.of("10.0.0.1", "10.0.0.2"));

    assertThat(ClientAddress.resolve(proxy, List.of("10.1.7.9, 192.0.2.77"), trusted))
        .as("the proxy appended the real peer on the right; the left entry is the client's word")
        .isEqualTo("192.0.2.77");
    assertThat(ClientAddress.resolve(proxy, List.of("192.0.2.77, 203.0.113.7"), trusted))
        .as("an attacker cannot pass for a victim by naming it on the left")
        .isEqualTo("203.0.113.7");
    assertThat(
            ClientAddress.resolve(proxy, List.of("198.51.100.1", "203.0.113.7, 10.0.0.2"), trusted))
        .as("several header lines form one list; trusted hops are skipped from the right")
        .isEqualTo("203.0.113.7");
    assertThat(ClientAddress.resolve(proxy, List.of("10.0.0.2"), trusted))
        .as("only proxies: the leftmost of them")
        .isEqualTo("10.0.0.2");
    assertThat(ClientAddress.resolve(proxy, List.of("not an address, , 203.0.113.7"), trusted))
        .isEqualTo("203.0.113.7");
    assertThat(ClientAddress.resolve(proxy, List.of("203.0.113.7, <script>"), trusted))
        .as("a malformed hop stops the walk at the proxy that handed it over")
        .isEqualTo("10.0.0.1");
  }

  @Test
  void trustedProxiesAreComparedAsAddressesNotText() {
    List<String> forwarded = List.of("203.0.113.7");

    assertThat(
            ClientAddress.resolve(sessionFrom("::1"), forwarded, TrustedProxies.of(Set.of("::1"))))
        .as("the container reports ::1 as 0:0:0:0:0:0:0:1")
        .isEqualTo("203.0.113.7");
    assertThat(
            ClientAddress.resolve(
                sessionFrom("2001:db8::10"),
                forwarded,
                TrustedProxies.of(Set.of("2001:DB8:0::10"))))
        .isEqualTo("203.0.113.7");
    assertThat(
            ClientAddress.resolve(
                sessionFrom("10.20.30.40"), forwarded, TrustedProxies.of(Set.of("10.0.0.0/8"))))
        .as("a CIDR block")
        .isEqualTo("203.0.113.7");
    assertThat(
            ClientAddress.resolve(
                sessionFrom("11.0.0.1"), forwarded, TrustedProxies.of(Set.of("10.0.0.0/8"))))
        .as("outside the block")
        .isEqualTo("11.0.0.1");
    assertThat(
            ClientAddress.resolve(
                sessionFrom("fd00::1:2"),
                List.of("198.51.100.4, fd00::9"),
                TrustedProxies.of(Set.of("fd00::/8"))))
        .isEqualTo("198.51.100.4");
  }

  @Test
  void aTrustedProxyThatIsNotAnAddressIsRefusedNamingIt() {
    for (String bad : List.of("proxy.example", "10.0.0.0/33", "10.1", "::1/129", "10.0.0.1/", "")) {
      assertThatThrownBy(() -> TrustedProxies.of(List.of(bad)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'" + bad + "'");
    }
  }

  @Test
  void limitsCountAnIpv6ClientByItsSlash64() {
    assertThat(ClientAddress.limitKey("2001:db8:1:2:aaaa::1"))
        .isEqualTo(ClientAddress.limitKey("2001:db8:1:2:bbbb:cccc:dddd:2"))
        .isEqualTo("2001:db8:1:2::/64");
    assertThat(ClientAddress.limitKey("2001:db8:1:3::1")).isEqualTo("2001:db8:1:3::/64");
    assertThat(ClientAddress.limitKey("192.0.2.7")).isEqualTo("192.0.2.7");
    assertThat(ClientAddress.limitKey("::ffff:192.0.2.7")).isEqualTo("192.0.2.7");
    assertThat(ClientAddress.limitKey("unknown")).isEqualTo("unknown");
  }

  @Test
  void secretsAreComparedByDigest() {
    Credentials credentials = new Credentials(List.of("k1", "k2"), "tok");

    assertThat(credentials.acceptsApiKey("k2")).isTrue();
    assertThat(credentials.acceptsApiKey("k3")).isFalse();
    assertThat(credentials.acceptsApiKey(null)).isFalse();
    assertThat(credentials.acceptsToken("tok")).isTrue();
    assertThat(credentials.acceptsToken("TOK")).isFalse();
    assertThat(new Credentials(List.of(), null).apiKeyRequired()).isFalse();
  }
}
