package io.minietl.core.storage;

import java.time.Instant;

/** One listed object: its key relative to the dataset root, size and last-modified time. */
public record ObjectInfo(String key, long size, Instant lastModified) {}
