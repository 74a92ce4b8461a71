package dev.freight.formats;

/**
 * Limits protecting readers from hostile files, each checked while the file is read, so that a file
 * past one costs at most the limit: data rows per file, columns, the longest value, the deepest
 * nesting of JSON/YAML structures (YAML aliases are refused outright), and what an XLSX workbook
 * may hold once unzipped.
 */
public record ReadLimits(
    long maxRows, int maxColumns, int maxFieldChars, int maxNestingDepth, Xlsx xlsx) {

  /**
   * An XLSX workbook's sheets, cells (in all its sheets), shared strings (their number and their
   * size: they are held in memory while the file is read), and the size of all its parts unzipped.
   */
  public record Xlsx(
      int maxSheets,
      long maxCells,
      int maxSharedStrings,
      long maxSharedStringBytes,
      long maxUnzippedBytes) {

    public Xlsx {
      if (maxSheets < 1
          || maxCells < 1
          || maxSharedStrings < 1
          || maxSharedStringBytes < 1
          || maxUnzippedBytes < 1) {
        throw new IllegalArgumentException("limits must be positive");
      }
    }
  }

  public static final ReadLimits DEFAULT =
      new ReadLimits(
          10_000_000,
          100,
          1_000_000,
          20,
          new Xlsx(100, 200_000_000, 1_000_000, 64 << 20, 4L << 30));

  public ReadLimits {
    if (maxRows < 1 || maxColumns < 1 || maxFieldChars < 1 || maxNestingDepth < 1) {
      throw new IllegalArgumentException("limits must be positive");
    }
  }
}
