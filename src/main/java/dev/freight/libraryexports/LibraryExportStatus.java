package dev.freight.libraryexports;

import dev.freight.jobs.JobStatus;
import dev.freight.jobs.StateMachine;
import java.util.EnumSet;
import java.util.Map;

/**
 * The life of a library export job: pending → in_progress → success | fail, or cancel on the way.
 */
public enum LibraryExportStatus implements JobStatus {
  PENDING,
  IN_PROGRESS,
  SUCCESS,
  FAIL,
  CANCEL;

  /** Every move an export job can make; a retry moves it back to pending. */
  static final StateMachine<LibraryExportStatus> MACHINE =
      new StateMachine<>(
          "export job",
          LibraryExportStatus.class,
          Map.of(
              PENDING, EnumSet.of(IN_PROGRESS, FAIL, CANCEL),
              IN_PROGRESS, EnumSet.of(IN_PROGRESS, SUCCESS, FAIL, CANCEL),
              FAIL, EnumSet.of(PENDING),
              CANCEL, EnumSet.of(PENDING)),
          CANCEL,
          FAIL);
}
