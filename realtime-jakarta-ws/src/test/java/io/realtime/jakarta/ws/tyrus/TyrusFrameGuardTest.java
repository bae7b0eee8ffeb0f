package io.realtime.jakarta.ws.tyrus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.realtime.jakarta.ws.MessageLimits;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.TransportFilter;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.tyrus.core.TyrusWebSocketEngine;
import org.junit.jupiter.api.Test;

class TyrusFrameGuardTest {

  @Test
  void theFilterGoesRightAfterTheHttpCodecWhateverFollows() {
    BaseFilter tyrus = new BaseFilter();
    FilterChainBuilder builder =
        FilterChainBuilder.stateless()
            .add(new TransportFilter())
            .add(new org.glassfish.grizzly.http.HttpServerFilter())
            .add(tyrus)
            .add(new BaseFilter());

    TyrusFrameGuard.addOn(MessageLimits.DEFAULT)
        .setup(new NetworkListener("test", "127.0.0.1", 0), builder);

    assertThat(builder.get(2)).isInstanceOf(FrameLimitFilter.class);
    assertThat(((FrameLimitFilter) builder.get(2)).limits()).isEqualTo(MessageLimits.DEFAULT);
    assertThat(builder.indexOf(tyrus)).isEqualTo(3);
  }

  @Test
  void aChainWithoutHttpCodecCannotBeGuarded() {
    FilterChainBuilder builder = FilterChainBuilder.stateless().add(new TransportFilter());

    assertThatThrownBy(
            () ->
                TyrusFrameGuard.addOn(MessageLimits.DEFAULT)
                    .setup(new NetworkListener("plain", "127.0.0.1", 0), builder))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("listener plain has no HTTP codec");
  }

  @Test
  void installNeedsListenersAndAServerNotStarted() {
    assertThatThrownBy(() -> TyrusFrameGuard.install(new HttpServer(), MessageLimits.DEFAULT))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no listener");

    HttpServer server = new HttpServer();
    NetworkListener listener = new NetworkListener("realtime", "127.0.0.1", 0);
    server.addListener(listener);
    TyrusFrameGuard.install(server, MessageLimits.DEFAULT);
    assertThat(listener.getAddOns()).hasSize(1);
  }

  @Test
  void tyrusBufferHoldsTheLargestFrameThatPassesAndOneRead() {
    MessageLimits limits = MessageLimits.DEFAULT;

    assertThat(TyrusFrameGuard.incomingBufferSize(limits)).isEqualTo(221_184 + 14 + 1_048_576);
    assertThat(TyrusFrameGuard.serverProperties(limits))
        .containsEntry(TyrusWebSocketEngine.INCOMING_BUFFER_SIZE, 221_184 + 14 + 1_048_576);
  }
}
