package dev.airlock.core.store;

import dev.airlock.core.ecosystem.RegistryKey;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What files were found to contain, and the signers and registry keys trusted on first use.
 * Part of {@link StateStore}; methods block (JDBC) and run on worker threads.
 */
public interface Ledgers {

    /** Records what a file of a release contains (JSON), replacing an earlier reading of it. */
    void putContentFacts(String ecosystem, String packageName, String version, String filename, String sha256, String factsJson,
                         Instant at);

    /** Every content reading of a package's files: version to (filename to JSON). */
    Map<String, Map<String, String>> contentFacts(String ecosystem, String packageName);

    /** The registry keys pinned for an ecosystem. */
    List<RegistryKey> pinnedKeys(String ecosystem);

    /** Pins a key unless its id is pinned already; returns the key pinned under that id. */
    RegistryKey pinKey(String ecosystem, RegistryKey key, Instant now);

    /**
     * Learns a signer for a scope (trust on first use, a set per scope).
     *
     * @return the signers the scope had before this call, in the order first seen: empty when this
     *         is the scope's first, containing {@code signer} when it was known already
     */
    List<String> learnSigner(String ecosystem, String scope, String kind, String signer, Instant now);
}
