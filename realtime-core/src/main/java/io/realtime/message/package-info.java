/**
 * The wire model: the {@link io.realtime.message.Message} hierarchy (data {@link
 * io.realtime.message.Envelope}s and the control messages ping, pong, error, resync acknowledgement
 * and subscription acknowledgement), the validation of published payloads and the {@link
 * io.realtime.message.MessageCodec}.
 */
package io.realtime.message;
