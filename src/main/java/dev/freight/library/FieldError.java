package dev.freight.library;

/**
 * A problem with one value of a row.
 *
 * @param field the field or column name
 * @param value the raw value as read from the file
 * @param message what is wrong, e.g. "expected an integer"
 */
public record FieldError(String field, Object value, String message) {}
