package dev.freight.formats;

/**
 * Limits protecting readers from hostile files: longest text value, deepest nesting of JSON/YAML
 * structures.
 */
public record ReadLimits(int maxFieldChars, int maxNestingDepth) {

  public static final ReadLimits DEFAULT = new ReadLimits(1_000_000, 20);

  public ReadLimits {
    if (maxFieldChars < 1 || maxNestingDepth < 1) {
      throw new IllegalArgumentException("limits must be positive");
    }
  }
}
