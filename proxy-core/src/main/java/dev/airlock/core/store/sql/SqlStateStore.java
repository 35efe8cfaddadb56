package dev.airlock.core.store.sql;

import dev.airlock.core.ecosystem.RegistryKey;
import dev.airlock.core.store.ArtifactRecord;
import dev.airlock.core.store.AuditQuery;
import dev.airlock.core.store.AuditRecord;
import dev.airlock.core.store.Change;
import dev.airlock.core.store.DecisionRecord;
import dev.airlock.core.store.DemandRecord;
import dev.airlock.core.store.FileObservation;
import dev.airlock.core.store.MetadataState;
import dev.airlock.core.store.OutboxMessage;
import dev.airlock.core.store.RuleRecord;
import dev.airlock.core.store.StateStore;
import dev.airlock.core.store.TokenRecord;
import dev.airlock.core.store.VerdictRecord;

import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * A state store on a SQL database: one per-kind store of this package for each part of
 * {@link StateStore}, over one {@link Jdbc}. This class hands each call to the part that owns
 * it; its subclasses open the database and migrate its schema ({@link SqliteStateStore} here,
 * the PostgreSQL store in the scale-out module).
 *
 * <p>Over 400 lines only because it delegates each of {@link StateStore}'s fifty-odd methods in
 * three lines; all SQL lives in the per-kind classes.
 */
public class SqlStateStore implements StateStore {

    protected final Jdbc jdbc;
    private final SqlArtifacts artifactIndex;
    private final SqlMetadata metadataStates;
    private final SqlObservations observationLog;
    private final SqlVerdicts verdictStore;
    private final SqlDecisions decisionLog;
    private final SqlLedgers ledgerStore;
    private final SqlDemand demandStore;
    private final SqlTokens tokenStore;
    private final SqlAudit auditStore;
    private final SqlRules ruleStore;
    private final SqlChangeLog changeLog;
    private final SqlOutbox outboxStore;
    private final SqlLeases leases;

    @Override
    public Optional<ArtifactRecord> findArtifact(String ecosystem, String packageName, String filename) {
        return artifactIndex.findArtifact(ecosystem, packageName, filename);
    }

    @Override
    public ArtifactRecord putArtifact(ArtifactRecord record) {
        return artifactIndex.putArtifact(record);
    }

    @Override
    public void replaceArtifact(ArtifactRecord record) {
        artifactIndex.replaceArtifact(record);
    }

    @Override
    public List<ArtifactRecord> artifacts(String ecosystem, String packageName) {
        return artifactIndex.artifacts(ecosystem, packageName);
    }

    @Override
    public List<Map.Entry<String, String>> cachedPackages() {
        return artifactIndex.cachedPackages();
    }

    @Override
    public List<StoredFile> filesByLastUse() {
        return artifactIndex.filesByLastUse();
    }

    @Override
    public Optional<MetadataState> findMetadata(String ecosystem, String cacheKey) {
        return metadataStates.findMetadata(ecosystem, cacheKey);
    }

    @Override
    public void putMetadata(MetadataState state) {
        metadataStates.putMetadata(state);
    }

    @Override
    public List<MetadataState> metadataOf(String ecosystem, String packageName) {
        return metadataStates.metadataOf(ecosystem, packageName);
    }

    @Override
    public void observeReleases(String ecosystem, String packageName, Collection<String> versions, Instant now) {
        observationLog.observeReleases(ecosystem, packageName, versions, now);
    }

    @Override
    public Optional<Instant> firstObserved(String ecosystem, String packageName, String version) {
        return observationLog.firstObserved(ecosystem, packageName, version);
    }

    @Override
    public void observeFiles(String ecosystem, String packageName, Map<String, String> integrityByFile, Instant now) {
        observationLog.observeFiles(ecosystem, packageName, integrityByFile, now);
    }

    @Override
    public Map<String, FileObservation> observedFiles(String ecosystem, String packageName) {
        return observationLog.observedFiles(ecosystem, packageName);
    }

    @Override
    public void recordProbedSize(String ecosystem, String packageName, String filename, OptionalLong size, Instant at) {
        observationLog.recordProbedSize(ecosystem, packageName, filename, size, at);
    }

    @Override
    public Map<String, Instant> observedReleases(String ecosystem, String packageName) {
        return observationLog.observedReleases(ecosystem, packageName);
    }

    @Override
    public void putReleaseTime(String ecosystem, String packageName, String version, Instant publishedAt) {
        observationLog.putReleaseTime(ecosystem, packageName, version, publishedAt);
    }

    @Override
    public Map<String, Instant> releaseTimes(String ecosystem, String packageName) {
        return observationLog.releaseTimes(ecosystem, packageName);
    }

    @Override
    public void putNewest(String ecosystem, String packageName, String version) {
        observationLog.putNewest(ecosystem, packageName, version);
    }

    @Override
    public Map<String, String> newest(String ecosystem, String packageName) {
        return observationLog.newest(ecosystem, packageName);
    }

    @Override
    public Map<String, VerdictRecord> verdicts(String ecosystem, String packageName) {
        return verdictStore.verdicts(ecosystem, packageName);
    }

    @Override
    public void putVerdicts(Collection<VerdictRecord> verdicts) {
        verdictStore.putVerdicts(verdicts);
    }

    @Override
    public Optional<VerdictRecord> verdict(String id) {
        return verdictStore.verdict(id);
    }

    @Override
    public List<VerdictRecord> held(String ecosystem) {
        return verdictStore.held(ecosystem);
    }

    @Override
    public DecisionRecord addDecision(DecisionRecord decision) {
        return decisionLog.addDecision(decision);
    }

    @Override
    public List<DecisionRecord> decisions(String id) {
        return decisionLog.decisions(id);
    }

    @Override
    public Map<String, List<DecisionRecord>> decisionsFor(String ecosystem, String packageName) {
        return decisionLog.decisionsFor(ecosystem, packageName);
    }

    @Override
    public void putContentFacts(String ecosystem, String packageName, String version, String filename, String sha256, String factsJson, Instant at) {
        ledgerStore.putContentFacts(ecosystem, packageName, version, filename, sha256, factsJson, at);
    }

    @Override
    public Map<String, Map<String, String>> contentFacts(String ecosystem, String packageName) {
        return ledgerStore.contentFacts(ecosystem, packageName);
    }

    @Override
    public List<RegistryKey> pinnedKeys(String ecosystem) {
        return ledgerStore.pinnedKeys(ecosystem);
    }

    @Override
    public RegistryKey pinKey(String ecosystem, RegistryKey key, Instant now) {
        return ledgerStore.pinKey(ecosystem, key, now);
    }

    @Override
    public List<String> learnSigner(String ecosystem, String scope, String kind, String signer, Instant now) {
        return ledgerStore.learnSigner(ecosystem, scope, kind, signer, now);
    }

    @Override
    public void addDemand(List<DemandRecord> demand) {
        demandStore.addDemand(demand);
    }

    @Override
    public List<DemandRecord> demand(String ecosystem, String packageName) {
        return demandStore.demand(ecosystem, packageName);
    }

    @Override
    public void putToken(TokenRecord token) {
        tokenStore.putToken(token);
    }

    @Override
    public List<TokenRecord> tokens() {
        return tokenStore.tokens();
    }

    @Override
    public boolean revokeToken(String name, Instant at) {
        return tokenStore.revokeToken(name, at);
    }

    @Override
    public AuditRecord appendAudit(Instant at, String actor, String action, String target, String reason, String details) {
        return auditStore.appendAudit(at, actor, action, target, reason, details);
    }

    @Override
    public List<AuditRecord> audit(AuditQuery query) {
        return auditStore.audit(query);
    }

    @Override
    public long auditCount(AuditQuery query) {
        return auditStore.auditCount(query);
    }

    @Override
    public RuleRecord addRule(String kind, String pattern, String reason, String addedBy, Instant at) {
        return ruleStore.addRule(kind, pattern, reason, addedBy, at);
    }

    @Override
    public List<RuleRecord> rules() {
        return ruleStore.rules();
    }

    @Override
    public boolean removeRule(long id, Instant at) {
        return ruleStore.removeRule(id, at);
    }

    @Override
    public List<Change> changesAfter(long after, int limit) {
        return changeLog.changesAfter(after, limit);
    }

    @Override
    public long latestChange() {
        return changeLog.latestChange();
    }

    @Override
    public long oldestChange() {
        return changeLog.oldestChange();
    }

    @Override
    public int pruneChanges(Instant before) {
        return changeLog.pruneChanges(before);
    }

    @Override
    public String origin() {
        return changeLog.origin();
    }

    @Override
    public long enqueue(String payload, Instant at) {
        return outboxStore.enqueue(payload, at);
    }

    @Override
    public List<OutboxMessage> claim(String owner, Instant now, Instant until, int limit) {
        return outboxStore.claim(owner, now, until, limit);
    }

    @Override
    public void renew(String owner, Collection<Long> ids, Instant until) {
        outboxStore.renew(owner, ids, until);
    }

    @Override
    public void complete(long id, Instant at) {
        outboxStore.complete(id, at);
    }

    @Override
    public long undelivered() {
        return outboxStore.undelivered();
    }

    @Override
    public int pruneOutbox(Instant before) {
        return outboxStore.pruneOutbox(before);
    }

    /**
     * @param jdbc   the database, its schema already at {@link Migrations#latest()}
     * @param origin names this process in the change log, so that it skips its own changes
     */
    protected SqlStateStore(Jdbc jdbc, Clock clock, String origin) {
        this.jdbc = jdbc;
        changeLog = new SqlChangeLog(jdbc, clock, origin);
        artifactIndex = new SqlArtifacts(jdbc);
        metadataStates = new SqlMetadata(jdbc, changeLog);
        observationLog = new SqlObservations(jdbc);
        verdictStore = new SqlVerdicts(jdbc, changeLog);
        decisionLog = new SqlDecisions(jdbc, changeLog);
        ledgerStore = new SqlLedgers(jdbc, changeLog);
        demandStore = new SqlDemand(jdbc);
        tokenStore = new SqlTokens(jdbc, changeLog);
        auditStore = new SqlAudit(jdbc);
        ruleStore = new SqlRules(jdbc, changeLog);
        outboxStore = new SqlOutbox(jdbc);
        leases = new SqlLeases(jdbc);
    }

    @Override
    public void lockKey(String key) {
        jdbc.locked(c -> {
            jdbc.dialect().lockForAppend(c, key);
            return null;
        });
    }

    @Override
    public boolean claimFetch(String key, String holder, Instant now, Instant until) {
        return leases.claimFetch(key, holder, now, until);
    }

    @Override
    public void releaseFetch(String key, String holder) {
        leases.releaseFetch(key, holder);
    }

    /** A name for this process in the change log: its pid and a random part. */
    protected static String newOrigin() {
        return ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** The schema version after migrations ran. */
    public int schemaVersion() {
        return jdbc.locked(Migrations::current);
    }

    @Override
    public <T> T inTransaction(Supplier<T> work) {
        return jdbc.inTransaction(c -> work.get());
    }

    @Override
    public void ping() {
        jdbc.first("SELECT 1", ps -> { }, rs -> rs.getInt(1));
    }

    @Override
    public void close() {
        jdbc.close();
    }
}
