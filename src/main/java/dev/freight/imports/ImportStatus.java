package dev.freight.imports;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** The life of an import job, and which user actions each state allows. */
public enum ImportStatus {
  PENDING,
  GENERATING_DIFF,
  READY_FOR_REVIEW,
  APPLYING_CHANGES,
  SUCCESS,
  FAIL,
  CANCEL;

  /** The states in which a job counts as the one active import. */
  static final Set<ImportStatus> ACTIVE =
      EnumSet.of(PENDING, GENERATING_DIFF, READY_FOR_REVIEW, APPLYING_CHANGES);

  /** What a user may ask for with PATCH, and from which states. */
  enum Action {
    CANCEL("cancel", ACTIVE),
    ACCEPT_CHANGES("accept_changes", EnumSet.of(READY_FOR_REVIEW)),
    RETRY("retry", EnumSet.of(FAIL, ImportStatus.CANCEL));

    final String wire;
    final Set<ImportStatus> from;

    Action(String wire, Set<ImportStatus> from) {
      this.wire = wire;
      this.from = from;
    }

    static Optional<Action> of(String wire) {
      return Arrays.stream(values()).filter(a -> a.wire.equals(wire)).findFirst();
    }

    /** Why the action is refused in {@code status}, for the 409. */
    String refusal(long jobId, ImportStatus status) {
      return "Cannot "
          + wire.replace('_', ' ')
          + " import job "
          + jobId
          + ": it is "
          + status.wire()
          + "; only jobs that are "
          + from.stream().map(ImportStatus::wire).collect(Collectors.joining(", "))
          + " can be.";
    }
  }

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<ImportStatus> of(String wire) {
    return Arrays.stream(values()).filter(s -> s.wire().equals(wire)).findFirst();
  }

  static List<String> wires(Set<ImportStatus> statuses) {
    return statuses.stream().map(ImportStatus::wire).toList();
  }
}
