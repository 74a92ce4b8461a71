package dev.freight.listexports;

import dev.freight.jobs.JobStatus;
import dev.freight.jobs.StateMachine;
import java.util.EnumSet;
import java.util.Map;

/** The life of an export: waiting → processing → completed | failed | cancelled. */
public enum ListExportStatus implements JobStatus {
  WAITING,
  PROCESSING,
  COMPLETED,
  FAILED,
  CANCELLED;

  /** Every move an export can make; the finished states move nowhere. */
  static final StateMachine<ListExportStatus> MACHINE =
      new StateMachine<>(
          "export",
          ListExportStatus.class,
          Map.of(
              WAITING, EnumSet.of(PROCESSING, CANCELLED),
              PROCESSING, EnumSet.of(PROCESSING, COMPLETED, FAILED, CANCELLED)),
          CANCELLED,
          FAILED);
}
