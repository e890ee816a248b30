package io.minietl.ingest.metrics;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;

/**
 * The runner's health at one moment: healthy when there is no problem. Served at {@code /health} as
 * {@code {"status":"ok"|"unhealthy","manifest_version":N,"problems":[...]}} with 200 or 503.
 * Immutable.
 */
public final class Health {
  private final List<String> problems;
  private final long manifestVersion;

  Health(List<String> problems, long manifestVersion) {
    this.problems = List.copyOf(problems);
    this.manifestVersion = manifestVersion;
  }

  /** Whether there is no problem. */
  public boolean healthy() {
    return problems.isEmpty();
  }

  /** What is wrong, one line each; empty when healthy. */
  public List<String> problems() {
    return problems;
  }

  /** The latest manifest version known committed; -1 before the dataset was loaded. */
  public long manifestVersion() {
    return manifestVersion;
  }

  /** The HTTP status {@code /health} answers with: 200 or 503. */
  public int httpStatus() {
    return healthy() ? 200 : 503;
  }

  /** The JSON body of {@code /health}, one line. */
  public String json() {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = new JsonFactory().createGenerator(w)) {
      g.writeStartObject();
      g.writeStringField("status", healthy() ? "ok" : "unhealthy");
      g.writeNumberField("manifest_version", manifestVersion);
      g.writeArrayFieldStart("problems");
      for (String p : problems) {
        g.writeString(p);
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Health h
        && h.manifestVersion == manifestVersion
        && h.problems.equals(problems);
  }

  @Override
  public int hashCode() {
    return Objects.hash(problems, manifestVersion);
  }

  @Override
  public String toString() {
    return json();
  }
}
