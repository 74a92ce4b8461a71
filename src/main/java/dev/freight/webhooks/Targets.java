package dev.freight.webhooks;

import dev.freight.bus.Failure;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Where a webhook may send: an http or https URL with a host, and, unless private targets are
 * allowed, only to a public address. The address is checked when sending, on what the host resolves
 * to then, so a DNS answer that changes after the subscription cannot smuggle one in.
 */
final class Targets {
  private Targets() {}

  /** The URL, parsed, or a 400 saying what is wrong with it. */
  static URI parse(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw Failure.badRequest("url is not a valid URL: " + e.getMessage());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw Failure.badRequest("url must be an http or https URL.");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw Failure.badRequest("url must name a host.");
    }
    if (uri.getRawUserInfo() != null) {
      throw Failure.badRequest("url must not carry credentials.");
    }
    return uri;
  }

  static boolean https(URI uri) {
    return uri.getScheme().equalsIgnoreCase("https");
  }

  static int port(URI uri) {
    return uri.getPort() >= 0 ? uri.getPort() : https(uri) ? 443 : 80;
  }

  /** The path and query to request. */
  static String target(URI uri) {
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
  }

  /**
   * Whether the address is not on the public internet: unspecified, loopback, link-local, private
   * (RFC 1918), shared (100.64/10), unique-local IPv6 (fc00::/7) or multicast.
   */
  static boolean isPrivate(InetAddress address) {
    byte[] bytes = address.getAddress();
    boolean sharedV4 =
        bytes.length == 4 && (bytes[0] & 0xff) == 100 && (bytes[1] & 0xc0) == 64; // 100.64/10
    boolean uniqueLocalV6 = address instanceof Inet6Address && (bytes[0] & 0xfe) == 0xfc;
    return address.isAnyLocalAddress()
        || address.isLoopbackAddress()
        || address.isLinkLocalAddress()
        || address.isSiteLocalAddress()
        || address.isMulticastAddress()
        || sharedV4
        || uniqueLocalV6;
  }
}
