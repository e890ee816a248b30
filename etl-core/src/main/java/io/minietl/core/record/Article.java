package io.minietl.core.record;

import java.time.Instant;
import java.util.Objects;

/**
 * One parsed news article: the fields of the input contract (see docs/DESIGN.md, "Input record").
 *
 * <p>Immutable and thread-safe. {@code articleId} and {@code content} are never null; the other
 * fields are null when the producer left them out. {@code extraFieldsJson} holds every field the
 * contract does not name, as one JSON object string (null when there were none), so producers can
 * add fields without breaking the pipeline.
 */
public final class Article {
  private final String articleId;
  private final String title;
  private final String author;
  private final Instant publishDate;
  private final String content;
  private final String summary;
  private final String extraFieldsJson;

  private Article(Builder b) {
    this.articleId = Objects.requireNonNull(b.articleId, "articleId");
    this.content = Objects.requireNonNull(b.content, "content");
    this.title = b.title;
    this.author = b.author;
    this.publishDate = b.publishDate;
    this.summary = b.summary;
    this.extraFieldsJson = b.extraFieldsJson;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The producer's identifier of the article; never null. */
  public String articleId() {
    return articleId;
  }

  public String title() {
    return title;
  }

  public String author() {
    return author;
  }

  /** The publish date as an instant (a date without offset is read as UTC), or null. */
  public Instant publishDate() {
    return publishDate;
  }

  /** The article text; never null, may be empty. */
  public String content() {
    return content;
  }

  /** The reference summary, when the source has one; else null. */
  public String summary() {
    return summary;
  }

  /** Unknown input fields as one JSON object string, or null when there were none. */
  public String extraFieldsJson() {
    return extraFieldsJson;
  }

  public Builder toBuilder() {
    return new Builder()
        .articleId(articleId)
        .title(title)
        .author(author)
        .publishDate(publishDate)
        .content(content)
        .summary(summary)
        .extraFieldsJson(extraFieldsJson);
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Article)) {
      return false;
    }
    Article that = (Article) o;
    return articleId.equals(that.articleId)
        && Objects.equals(title, that.title)
        && Objects.equals(author, that.author)
        && Objects.equals(publishDate, that.publishDate)
        && content.equals(that.content)
        && Objects.equals(summary, that.summary)
        && Objects.equals(extraFieldsJson, that.extraFieldsJson);
  }

  @Override
  public int hashCode() {
    return Objects.hash(articleId, title, author, publishDate, content, summary, extraFieldsJson);
  }

  @Override
  public String toString() {
    return "Article{articleId="
        + articleId
        + ", title="
        + title
        + ", contentChars="
        + content.length()
        + "}";
  }

  /** Builds an {@link Article}; {@code articleId} and {@code content} are required. */
  public static final class Builder {
    private String articleId;
    private String title;
    private String author;
    private Instant publishDate;
    private String content;
    private String summary;
    private String extraFieldsJson;

    private Builder() {}

    public Builder articleId(String articleId) {
      this.articleId = articleId;
      return this;
    }

    public Builder title(String title) {
      this.title = title;
      return this;
    }

    public Builder author(String author) {
      this.author = author;
      return this;
    }

    public Builder publishDate(Instant publishDate) {
      this.publishDate = publishDate;
      return this;
    }

    public Builder content(String content) {
      this.content = content;
      return this;
    }

    public Builder summary(String summary) {
      this.summary = summary;
      return this;
    }

    public Builder extraFieldsJson(String extraFieldsJson) {
      this.extraFieldsJson = extraFieldsJson;
      return this;
    }

    /**
     * @throws NullPointerException if {@code articleId} or {@code content} was not set
     */
    public Article build() {
      return new Article(this);
    }
  }
}
