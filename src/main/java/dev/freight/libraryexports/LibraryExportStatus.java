package dev.freight.libraryexports;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The life of an export job: pending → in_progress → success | fail, or cancel on the way. The
 * table {@link #ALLOWED} says from which states a user may cancel or retry; the API's 409s and the
 * verticle both read it.
 */
public enum LibraryExportStatus {
  PENDING,
  IN_PROGRESS,
  SUCCESS,
  FAIL,
  CANCEL;

  /** What PATCH may ask for. */
  enum Action {
    CANCEL,
    RETRY
  }

  static final Map<Action, Set<LibraryExportStatus>> ALLOWED =
      Map.of(
          Action.CANCEL, EnumSet.of(PENDING, IN_PROGRESS),
          Action.RETRY, EnumSet.of(FAIL, CANCEL));

  /** A job the server is still to finish: after a restart these start again. */
  static final Set<LibraryExportStatus> UNFINISHED = EnumSet.of(PENDING, IN_PROGRESS);

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  static Optional<LibraryExportStatus> of(String wire) {
    return Arrays.stream(values()).filter(s -> s.wire().equals(wire)).findFirst();
  }

  static String[] wires(Set<LibraryExportStatus> statuses) {
    return statuses.stream().map(LibraryExportStatus::wire).toArray(String[]::new);
  }

  static String allWires() {
    return Arrays.stream(values()).map(LibraryExportStatus::wire).collect(Collectors.joining(", "));
  }

  boolean allows(Action action) {
    return ALLOWED.get(action).contains(this);
  }

  /** Why {@code action} is refused in this state, for the 409. */
  String refusal(long jobId, Action action) {
    return "Cannot "
        + action.name().toLowerCase(Locale.ROOT)
        + " export job "
        + jobId
        + ": it is "
        + wire()
        + "; only jobs that are "
        + String.join(", ", wires(ALLOWED.get(action)))
        + " can be.";
  }
}
