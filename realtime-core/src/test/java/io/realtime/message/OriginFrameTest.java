package io.realtime.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OriginFrameTest {

  private static final String STATUS = "{\"type\":\"system_status\",\"data\":{\"gpu\":null}}";

  @Test
  void aWrappedMessageIsReadBackWithItsTextAsThePublisherEncodedIt() {
    String framed = OriginFrame.wrap("web-1", STATUS);
    assertThat(framed).isEqualTo("{\"_origin_instance\":\"web-1\",\"payload\":" + STATUS + "}");
    assertThat(OriginFrame.read(framed)).isEqualTo(new OriginFrame("web-1", STATUS));
  }

  @Test
  void theOriginIsEscapedSoAnyIdKeepsTheFrameValid() {
    String id = "a\"b\\c";
    assertThat(OriginFrame.read(OriginFrame.wrap(id, STATUS)))
        .isEqualTo(new OriginFrame(id, STATUS));
  }

  @Test
  void aFrameInAnotherLayoutIsReadToo() {
    String reordered = "{ \"payload\" : " + STATUS + ", \"_origin_instance\" : \"gpu-node\" }";
    OriginFrame frame = OriginFrame.read(reordered);
    assertThat(frame.origin()).isEqualTo("gpu-node");
    assertThat(MessageCodec.json().decode(frame.payload()))
        .isEqualTo(MessageCodec.json().decode(STATUS));
  }

  @Test
  void aMessagePublishedWithoutTheFrameHasNoOrigin() {
    assertThat(OriginFrame.read(STATUS)).isEqualTo(new OriginFrame(null, STATUS));
    assertThat(OriginFrame.read("{\"_origin_instance\":\"x\"}").origin()).isNull();
  }

  @Test
  void textThatIsNotJsonIsRefusedWithInvalidJson() {
    assertThatThrownBy(() -> OriginFrame.read("{\"_origin_instance\":"))
        .isInstanceOfSatisfying(
            MessageFormatException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_JSON));
  }
}
