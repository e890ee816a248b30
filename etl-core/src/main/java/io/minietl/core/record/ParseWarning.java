package io.minietl.core.record;

/** A problem in a record that is kept: the record is valid, the affected field is null. */
public enum ParseWarning {
  /** {@code publish_date} was present but not ISO-8601; the article's publish date is null. */
  UNPARSEABLE_PUBLISH_DATE
}
