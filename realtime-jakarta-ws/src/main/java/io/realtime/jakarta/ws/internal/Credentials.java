package io.realtime.jakarta.ws.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * API keys and the token, kept only as SHA-256 digests and compared in constant time, so neither a
 * heap dump nor a timing measure reveals them.
 *
 * <p>This class is internal and is hence not for public use.
 */
public final class Credentials {

  private final List<byte[]> apiKeyDigests;
  private final byte[] tokenDigest;

  /**
   * Hashes the secrets.
   *
   * @param apiKeys the accepted API keys; empty to accept connections without one
   * @param token the token, or {@code null} for none
   */
  public Credentials(Collection<String> apiKeys, String token) {
    List<byte[]> digests = new ArrayList<>(apiKeys.size());
    apiKeys.forEach(key -> digests.add(digest(key)));
    this.apiKeyDigests = List.copyOf(digests);
    this.tokenDigest = token == null ? null : digest(token);
  }

  /**
   * Tells whether an API key is required.
   *
   * @return {@code true} when keys are configured
   */
  public boolean apiKeyRequired() {
    return !apiKeyDigests.isEmpty();
  }

  /**
   * Tells whether a token is required.
   *
   * @return {@code true} when a token is configured
   */
  public boolean tokenRequired() {
    return tokenDigest != null;
  }

  /**
   * Checks an API key in constant time.
   *
   * @param key the presented key, or {@code null}
   * @return {@code true} if it is one of the configured keys
   */
  public boolean acceptsApiKey(String key) {
    if (key == null) {
      return false;
    }
    byte[] presented = digest(key);
    boolean match = false;
    for (byte[] accepted : apiKeyDigests) {
      match |= MessageDigest.isEqual(presented, accepted);
    }
    return match;
  }

  /**
   * Checks the token in constant time.
   *
   * @param token the presented token, or {@code null}
   * @return {@code true} if it is the configured token
   */
  public boolean acceptsToken(String token) {
    return token != null && MessageDigest.isEqual(digest(token), tokenDigest);
  }

  private static byte[] digest(String secret) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
