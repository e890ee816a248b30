package io.minietl.core.storage;

/**
 * The in-memory fake passes the same contract as the real stores, so tests of the runner's logic on
 * it mean something. It has one root per instance, so {@link #sameRoot} is the instance itself.
 */
class InMemoryObjectStoreTest extends ObjectStoreContract {
  @Override
  protected ObjectStore newStore() {
    return new InMemoryObjectStore();
  }

  @Override
  protected ObjectStore sameRoot(ObjectStore store) {
    return store;
  }
}
