package dev.airlock.core.store;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Airlock's durable state: the artifact index, metadata fetch state, and when each release was
 * first observed. Embedded default: {@link SqliteStateStore}. Methods block (JDBC) and must be
 * called from worker threads, never from an event loop.
 */
public interface StateStore extends AutoCloseable {

    Optional<ArtifactRecord> findArtifact(String ecosystem, String packageName, String filename);

    /** Records an artifact; the first record for these coordinates wins and is returned. */
    ArtifactRecord putArtifact(ArtifactRecord record);

    /** Replaces the record for these coordinates (its blob is gone and other verified bytes take its place). */
    void replaceArtifact(ArtifactRecord record);

    /** Every cached file of a package, derived files included. */
    List<ArtifactRecord> artifacts(String ecosystem, String packageName);

    Optional<MetadataState> findMetadata(String ecosystem, String cacheKey);

    void putMetadata(MetadataState state);

    /** Every stored metadata document's state of a package (an export takes them along). */
    List<MetadataState> metadataOf(String ecosystem, String packageName);

    /** Every package with at least one cached file, as (ecosystem, package). */
    List<Map.Entry<String, String>> cachedPackages();

    /**
     * Records that these versions of a package were present in upstream metadata at {@code now},
     * keeping the earliest observation of each.
     */
    void observeReleases(String ecosystem, String packageName, Collection<String> versions, Instant now);

    Optional<Instant> firstObserved(String ecosystem, String packageName, String version);

    /**
     * Records that these files (name to declared digest, SRI) were listed upstream at {@code now}:
     * a new file, or a known name with a new digest, is first seen now; others keep their record.
     */
    void observeFiles(String ecosystem, String packageName, Map<String, String> integrityByFile, Instant now);

    /** What {@link #observeFiles} recorded for a package, by file name. */
    Map<String, FileObservation> observedFiles(String ecosystem, String packageName);

    /** Records upstream's answer to a size probe ({@code size} empty when it gave none). */
    void recordProbedSize(String ecosystem, String packageName, String filename, OptionalLong size, Instant at);

    /** When Airlock first saw each version of a package listed, by version. */
    Map<String, Instant> observedReleases(String ecosystem, String packageName);

    /** A package's stored verdicts, by version. */
    Map<String, VerdictRecord> verdicts(String ecosystem, String packageName);

    /** Stores verdicts (replacing those with the same id), in one transaction. */
    void putVerdicts(Collection<VerdictRecord> verdicts);

    Optional<VerdictRecord> verdict(String id);

    /** Releases not approved (held or denied), newest decision first; {@code ecosystem} null for all. */
    List<VerdictRecord> held(String ecosystem);

    /** Records a person's decision and returns it with its sequence number. */
    DecisionRecord addDecision(DecisionRecord decision);

    /** Decisions about one release, oldest first. */
    List<DecisionRecord> decisions(String id);

    /** Every decision about a package's releases, by release id, oldest first. */
    Map<String, List<DecisionRecord>> decisionsFor(String ecosystem, String packageName);

    /** Decisions recorded after this sequence number, oldest first (for other processes' changes). */
    List<DecisionRecord> decisionsAfter(long seq);

    /** Records what a file of a release contains (JSON), replacing an earlier reading of it. */
    void putContentFacts(String ecosystem, String packageName, String version, String filename, String sha256, String factsJson,
                         Instant at);

    /** Every content reading of a package's files: version to (filename to JSON). */
    Map<String, Map<String, String>> contentFacts(String ecosystem, String packageName);

    /** The registry keys pinned for an ecosystem. */
    List<dev.airlock.core.ecosystem.RegistryKey> pinnedKeys(String ecosystem);

    /** Pins a key unless its id is pinned already; returns the key pinned under that id. */
    dev.airlock.core.ecosystem.RegistryKey pinKey(String ecosystem, dev.airlock.core.ecosystem.RegistryKey key, Instant now);

    /**
     * Learns a signer for a scope (trust on first use, a set per scope).
     *
     * @return the signers the scope had before this call, in the order first seen: empty when this
     *         is the scope's first, containing {@code signer} when it was known already
     */
    List<String> learnSigner(String ecosystem, String scope, String kind, String signer, Instant now);

    /** Records when a release was published, as the repository states it; an earlier time already recorded is kept. */
    void putReleaseTime(String ecosystem, String packageName, String version, Instant publishedAt);

    /** The publish times recorded for a package's releases, by version. */
    Map<String, Instant> releaseTimes(String ecosystem, String packageName);

    /** Adds counts of demand (summed with what is stored, token names merged up to the bound). */
    void addDemand(List<DemandRecord> demand);

    /** Recorded demand, of one ecosystem and package (either null for all). */
    List<DemandRecord> demand(String ecosystem, String packageName);

    /** Records a package's newest release (the highest version its metadata lists). */
    void putNewest(String ecosystem, String packageName, String version);

    /** Each package's newest release (of one ecosystem and package, either null for all), keyed by ecosystem and package joined with a NUL. */
    Map<String, String> newest(String ecosystem, String packageName);

    /** Stores a new admin token (by hash). A name in use is an error. */
    void putToken(TokenRecord token);

    /** Every admin token, revoked ones included. */
    List<TokenRecord> tokens();

    /** Revokes a token; false when there is no valid token of that name. */
    boolean revokeToken(String name, Instant at);

    /** Appends an audit entry, chained onto the last one (safe across processes on one store). */
    AuditRecord appendAudit(Instant at, String actor, String action, String target, String reason, String details);

    /** Audit entries matching a query. */
    List<AuditRecord> audit(AuditQuery query);

    long auditCount(AuditQuery query);

    /** Adds a run-time allow or deny rule. */
    RuleRecord addRule(String kind, String pattern, String reason, String addedBy, Instant at);

    /** The run-time rules in force. */
    List<RuleRecord> rules();

    /** Removes a run-time rule; false when there is none in force with that id. */
    boolean removeRule(long id, Instant at);

    /** Cheap round trip for readiness checks. */
    void ping();

    @Override
    void close();
}
