package dev.freight.formats;

/** Read limits for tests: the defaults, with the longest value and the deepest nesting given. */
final class Limits {
  private Limits() {}

  static ReadLimits of(int maxFieldChars, int maxNestingDepth) {
    ReadLimits d = ReadLimits.DEFAULT;
    return new ReadLimits(d.maxRows(), d.maxColumns(), maxFieldChars, maxNestingDepth, d.xlsx());
  }

  static ReadLimits of(ReadLimits.Xlsx xlsx) {
    ReadLimits d = ReadLimits.DEFAULT;
    return new ReadLimits(
        d.maxRows(), d.maxColumns(), d.maxFieldChars(), d.maxNestingDepth(), xlsx);
  }
}
