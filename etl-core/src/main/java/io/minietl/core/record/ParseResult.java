package io.minietl.core.record;

import java.util.Objects;
import java.util.Set;

/**
 * The outcome of parsing one raw record: either a valid {@link Article} (possibly with warnings) or
 * an invalid record with its reason. Never both. Immutable.
 */
public final class ParseResult {
  private final Article article;
  private final Set<ParseWarning> warnings;
  private final InvalidReason reason;
  private final String message;

  private ParseResult(
      Article article, Set<ParseWarning> warnings, InvalidReason reason, String message) {
    this.article = article;
    this.warnings = warnings;
    this.reason = reason;
    this.message = message;
  }

  public static ParseResult valid(Article article, Set<ParseWarning> warnings) {
    return new ParseResult(
        Objects.requireNonNull(article, "article"), Set.copyOf(warnings), null, null);
  }

  public static ParseResult invalid(InvalidReason reason, String message) {
    return new ParseResult(
        null, Set.of(), Objects.requireNonNull(reason, "reason"), Objects.requireNonNull(message));
  }

  public boolean isValid() {
    return article != null;
  }

  /**
   * The parsed article.
   *
   * @throws IllegalStateException if the record is invalid
   */
  public Article article() {
    if (article == null) {
      throw new IllegalStateException("Cannot get the article of an invalid record: " + message);
    }
    return article;
  }

  /** Warnings of a valid record (empty for an invalid one). */
  public Set<ParseWarning> warnings() {
    return warnings;
  }

  /** Why the record is invalid, or null if it is valid. */
  public InvalidReason reason() {
    return reason;
  }

  /** A human-readable explanation of the reason, or null if the record is valid. */
  public String message() {
    return message;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ParseResult)) {
      return false;
    }
    ParseResult that = (ParseResult) o;
    return Objects.equals(article, that.article)
        && warnings.equals(that.warnings)
        && reason == that.reason
        && Objects.equals(message, that.message);
  }

  @Override
  public int hashCode() {
    return Objects.hash(article, warnings, reason, message);
  }

  @Override
  public String toString() {
    return isValid()
        ? "ParseResult{valid, " + article + ", warnings=" + warnings + "}"
        : "ParseResult{invalid, " + reason.code() + ": " + message + "}";
  }
}
