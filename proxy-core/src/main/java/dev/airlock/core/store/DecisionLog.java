package dev.airlock.core.store;

import java.util.List;
import java.util.Map;

/**
 * People's decisions about releases (release, reject), never changed once written.
 * Part of {@link StateStore}; methods block (JDBC) and run on worker threads.
 */
public interface DecisionLog {

    /** Records a person's decision and returns it with its sequence number. */
    DecisionRecord addDecision(DecisionRecord decision);

    /** Decisions about one release, oldest first. */
    List<DecisionRecord> decisions(String id);

    /** Every decision about a package's releases, by release id, oldest first. */
    Map<String, List<DecisionRecord>> decisionsFor(String ecosystem, String packageName);

}
