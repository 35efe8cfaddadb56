package dev.airlock.core.store;

import java.time.Instant;
import java.util.List;

/**
 * Allow and deny rules added at run time.
 * Part of {@link StateStore}; methods block (JDBC) and run on worker threads.
 */
public interface RuleStore {

    /** Adds a run-time allow or deny rule. */
    RuleRecord addRule(String kind, String pattern, String reason, String addedBy, Instant at);

    /** The run-time rules in force. */
    List<RuleRecord> rules();

    /** Removes a run-time rule; false when there is none in force with that id. */
    boolean removeRule(long id, Instant at);
}
