package dev.freight.jobs;

import dev.freight.bus.Failure;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The life of one kind of job: its statuses and the one table of moves between them. Users' actions
 * (cancel, retry, accept) are moves to a target status, so the API's 409s, the workers' checks and
 * the SQL that changes a status ({@link JobTable}) all read this table.
 */
public final class StateMachine<S extends Enum<S> & JobStatus> {
  private final String noun;
  private final Class<S> type;
  private final Map<S, Set<S>> next;
  private final S cancelled;
  private final S failed;

  /**
   * @param noun what the API calls one job, as in "import job"
   * @param next for each status, the statuses it may move to
   * @param cancelled where a cancel ends a job
   * @param failed where broken work ends a job
   */
  public StateMachine(String noun, Class<S> type, Map<S, Set<S>> next, S cancelled, S failed) {
    this.noun = noun;
    this.type = type;
    this.next = next;
    this.cancelled = cancelled;
    this.failed = failed;
  }

  public String noun() {
    return noun;
  }

  public S cancelled() {
    return cancelled;
  }

  public S failed() {
    return failed;
  }

  /** The statuses from which a job may move to {@code to}. */
  public Set<S> from(S to) {
    return Arrays.stream(type.getEnumConstants())
        .filter(s -> next.getOrDefault(s, Set.of()).contains(to))
        .collect(Collectors.toCollection(() -> EnumSet.noneOf(type)));
  }

  public boolean allows(S from, S to) {
    return next.getOrDefault(from, Set.of()).contains(to);
  }

  public Optional<S> parse(String wire) {
    return Arrays.stream(type.getEnumConstants()).filter(s -> s.wire().equals(wire)).findFirst();
  }

  /** A status read back from the database, which only ever holds known ones. */
  public S of(String wire) {
    return parse(wire).orElseThrow(() -> new IllegalStateException("unknown status " + wire));
  }

  /** A status a client named; a 400 listing the valid ones otherwise. */
  public S requested(String wire, String parameter) {
    return parse(wire)
        .orElseThrow(
            () ->
                Failure.badRequest(
                    "Unknown status '"
                        + wire
                        + "' in "
                        + parameter
                        + "; valid statuses: "
                        + wires(EnumSet.allOf(type))
                        + "."));
  }

  public static String wires(Collection<? extends JobStatus> statuses) {
    return statuses.stream().map(JobStatus::wire).collect(Collectors.joining(", "));
  }

  public static String[] wireArray(Collection<? extends JobStatus> statuses) {
    return statuses.stream().map(JobStatus::wire).toArray(String[]::new);
  }

  /**
   * The 409 for {@code action} (cancel, retry, ...), which would move a job in {@code now} to
   * {@code to}.
   */
  public Failure refusal(String action, Object id, S now, S to) {
    return Failure.conflict(
        "Cannot "
            + action
            + " "
            + noun
            + " "
            + id
            + ": it is "
            + now.wire()
            + "; only "
            + noun
            + "s that are "
            + wires(from(to))
            + " can be.");
  }
}
