package dev.freight.logging;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a log line is about beyond its message: the request (its id) or the job (its kind and id).
 * Vert.x has no thread-bound context across asynchronous steps, so the code that knows them passes
 * them to {@link Log}; JSON lines carry them as fields of their own.
 */
public final class LogFields {
  private final Map<String, Object> fields = new LinkedHashMap<>();

  private LogFields() {}

  public static LogFields request(String requestId) {
    return new LogFields().with("request_id", requestId);
  }

  /**
   * @param kind the job's table: import_jobs, export_jobs or exports
   */
  public static LogFields job(String kind, Object id) {
    return new LogFields().with("job_kind", kind).with("job_id", String.valueOf(id));
  }

  /** Adds a field; a null value is left out. */
  public LogFields with(String name, Object value) {
    if (value != null) {
      fields.put(name, value);
    }
    return this;
  }

  Map<String, Object> asMap() {
    return Collections.unmodifiableMap(fields);
  }
}
