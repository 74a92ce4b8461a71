package dev.freight.imports;

import dev.freight.jobs.JobStatus;
import dev.freight.jobs.StateMachine;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The life of an import job, and the actions a user may ask for with PATCH. */
public enum ImportStatus implements JobStatus {
  PENDING,
  GENERATING_DIFF,
  READY_FOR_REVIEW,
  APPLYING_CHANGES,
  SUCCESS,
  FAIL,
  CANCEL;

  /** Every move an import job can make; a run claims its job by moving it to where it is. */
  static final StateMachine<ImportStatus> MACHINE =
      new StateMachine<>(
          "import job",
          ImportStatus.class,
          Map.of(
              PENDING, EnumSet.of(GENERATING_DIFF, FAIL, CANCEL),
              GENERATING_DIFF, EnumSet.of(GENERATING_DIFF, READY_FOR_REVIEW, FAIL, CANCEL),
              READY_FOR_REVIEW, EnumSet.of(APPLYING_CHANGES, CANCEL),
              APPLYING_CHANGES, EnumSet.of(APPLYING_CHANGES, SUCCESS, FAIL, CANCEL),
              FAIL, EnumSet.of(PENDING),
              CANCEL, EnumSet.of(PENDING)),
          CANCEL,
          FAIL);

  /** The states in which a job counts as the one active import. */
  static final Set<ImportStatus> ACTIVE = MACHINE.from(CANCEL);

  /** The states a job ends in; its diff and upload are purged once the retention window passes. */
  static final Set<ImportStatus> FINAL = EnumSet.of(SUCCESS, FAIL, CANCEL);

  /** What a user may ask for with PATCH: a move to {@code target}. */
  enum Action {
    CANCEL("cancel", ImportStatus.CANCEL),
    ACCEPT_CHANGES("accept_changes", APPLYING_CHANGES),
    RETRY("retry", PENDING);

    final String wire;
    final ImportStatus target;

    Action(String wire, ImportStatus target) {
      this.wire = wire;
      this.target = target;
    }

    static Optional<Action> of(String wire) {
      return Arrays.stream(values()).filter(a -> a.wire.equals(wire)).findFirst();
    }

    boolean allowedIn(ImportStatus status) {
      return MACHINE.allows(status, target);
    }
  }
}
