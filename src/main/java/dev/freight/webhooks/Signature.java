package dev.freight.webhooks;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signing secrets and the {@code Freight-Signature} header: {@code t=<unix seconds>,v1=<hex
 * HMAC-SHA256 of "t.body">}, Stripe's scheme, so a receiver checks both who sent the body and when.
 */
public final class Signature {
  public static final String HEADER = "Freight-Signature";
  private static final SecureRandom RANDOM = new SecureRandom();

  private Signature() {}

  /** A new secret: 32 random bytes. */
  static String newSecret() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return "whsec_" + HexFormat.of().formatHex(bytes);
  }

  /** The header's value for {@code body} sent at {@code unixSeconds}. */
  public static String header(String secret, long unixSeconds, String body) {
    return "t=" + unixSeconds + ",v1=" + hmac(secret, unixSeconds + "." + body);
  }

  /** Hex HMAC-SHA256 of {@code text} with {@code secret} (as UTF-8). */
  public static String hmac(String secret, String text) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }
}
