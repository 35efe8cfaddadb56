package dev.airlock.core.store;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The policy's verdict on each release it decided.
 * Part of {@link StateStore}; methods block (JDBC) and run on worker threads.
 */
public interface VerdictStore {

    /** A package's stored verdicts, by version. */
    Map<String, VerdictRecord> verdicts(String ecosystem, String packageName);

    /** Stores verdicts (replacing those with the same id), in one transaction. */
    void putVerdicts(Collection<VerdictRecord> verdicts);

    Optional<VerdictRecord> verdict(String id);

    /** Releases not approved (held or denied), newest decision first; {@code ecosystem} null for all. */
    List<VerdictRecord> held(String ecosystem);
}
