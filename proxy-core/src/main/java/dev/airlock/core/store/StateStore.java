package dev.airlock.core.store;

import java.util.function.Supplier;

/**
 * Airlock's durable state, one small interface per kind of record; services take the kinds they
 * use. Embedded default: {@code store.sql.SqliteStateStore}. Methods block (JDBC) and must be called from
 * worker threads, never from an event loop.
 *
 * <p>{@link #inTransaction} is the unit of work: store calls made inside it commit together or
 * not at all (a decision and its audit entry; a verdict, its audit entry and its notification;
 * every row of an import). Each store method is atomic on its own.
 */
public interface StateStore extends ArtifactIndex, MetadataStates, Observations, VerdictStore, DecisionLog, Ledgers, DemandStore,
        TokenStore, AuditStore, RuleStore, ChangeLog, Outbox, FetchLeases, AutoCloseable {

    /** Runs {@code work} in one transaction, joining the caller's if there is one. */
    <T> T inTransaction(Supplier<T> work);

    /** {@link #inTransaction(Supplier)} for work without a result. */
    default void inTransaction(Runnable work) {
        inTransaction(() -> {
            work.run();
            return null;
        });
    }

    /**
     * Within {@link #inTransaction}: waits until no other transaction, in any process on the
     * store, holds {@code key}, and holds it until this transaction ends. Decisions about one
     * package take it before they read what is stored, so replicas deciding the same package at
     * the same moment write one verdict, one audit entry and one notification. Nothing to do
     * where write transactions exclude each other anyway (SQLite).
     */
    void lockKey(String key);

    /** Cheap round trip for readiness checks. */
    void ping();

    @Override
    void close();
}
