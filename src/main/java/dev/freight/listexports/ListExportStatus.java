package dev.freight.listexports;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The life of an export: waiting → processing → completed | failed | cancelled (and waiting →
 * cancelled).
 */
public enum ListExportStatus {
  WAITING,
  PROCESSING,
  COMPLETED,
  FAILED,
  CANCELLED;

  /** The states each state may move to; the finished ones move nowhere. */
  Set<ListExportStatus> next() {
    return switch (this) {
      case WAITING -> EnumSet.of(PROCESSING, CANCELLED);
      case PROCESSING -> EnumSet.of(COMPLETED, FAILED, CANCELLED);
      default -> EnumSet.noneOf(ListExportStatus.class);
    };
  }

  /** The states from which {@code this} may be reached. */
  Set<ListExportStatus> from() {
    return Arrays.stream(values())
        .filter(s -> s.next().contains(this))
        .collect(Collectors.toCollection(() -> EnumSet.noneOf(ListExportStatus.class)));
  }

  boolean finished() {
    return next().isEmpty();
  }

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<ListExportStatus> of(String wire) {
    return Arrays.stream(values()).filter(s -> s.wire().equals(wire)).findFirst();
  }

  static List<String> wires(Set<ListExportStatus> statuses) {
    return statuses.stream().map(ListExportStatus::wire).toList();
  }
}
