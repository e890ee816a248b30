package io.minietl.ingest;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The hand-off between the shard fetchers and the processing loop, bounded by bytes: a fetcher that
 * would take it past the budget waits (reads pause), which is what bounds the runner's memory by
 * configuration rather than by the stream. Bytes are released when the batch is taken: from then on
 * the record bytes live in the Arrow batch being built, which is bounded separately.
 *
 * <p>One batch larger than the whole budget is still accepted when the buffer is empty, so a budget
 * smaller than one GetRecords response slows reading down instead of stopping it.
 */
final class FetchBuffer {
  private final long budgetBytes;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notFull = lock.newCondition();
  private final Condition notEmpty = lock.newCondition();
  private final ArrayDeque<FetchedBatch> batches = new ArrayDeque<>();
  private long bufferedBytes;
  private long peakBytes;

  FetchBuffer(long budgetBytes) {
    if (budgetBytes < 1) {
      throw new IllegalArgumentException("Invalid buffer budget: " + budgetBytes + " bytes");
    }
    this.budgetBytes = budgetBytes;
  }

  /** Adds a batch, waiting while the buffer is over budget. */
  void put(FetchedBatch batch) throws InterruptedException {
    long size = batch.bytes();
    lock.lockInterruptibly();
    try {
      while (bufferedBytes > 0 && bufferedBytes + size > budgetBytes) {
        notFull.await();
      }
      batches.addLast(batch);
      bufferedBytes += size;
      peakBytes = Math.max(peakBytes, bufferedBytes);
      notEmpty.signal();
    } finally {
      lock.unlock();
    }
  }

  /** The oldest batch, waiting up to {@code timeoutMillis}; null if none arrived in time. */
  FetchedBatch poll(long timeoutMillis) throws InterruptedException {
    long nanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    lock.lockInterruptibly();
    try {
      while (batches.isEmpty()) {
        if (nanos <= 0) {
          return null;
        }
        nanos = notEmpty.awaitNanos(nanos);
      }
      FetchedBatch batch = batches.removeFirst();
      bufferedBytes -= batch.bytes();
      notFull.signalAll();
      return batch;
    } finally {
      lock.unlock();
    }
  }

  long bufferedBytes() {
    lock.lock();
    try {
      return bufferedBytes;
    } finally {
      lock.unlock();
    }
  }

  long peakBytes() {
    lock.lock();
    try {
      return peakBytes;
    } finally {
      lock.unlock();
    }
  }
}
