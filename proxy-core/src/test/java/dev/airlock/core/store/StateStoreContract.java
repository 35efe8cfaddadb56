package dev.airlock.core.store;

import dev.airlock.core.ecosystem.RegistryKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every {@link StateStore} must do, whatever database is behind it: the audit chain, tokens,
 * rules, pins, decisions, the unit of work, the change log and the outbox. A store's test extends
 * this and says how to open two instances on one database (two processes, or two replicas).
 */
public abstract class StateStoreContract {

    private static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");

    /** A new empty database; called once per test before {@link #open()}. */
    protected abstract void createDatabase() throws Exception;

    /** A new store instance on the database {@link #createDatabase()} made (each call a separate instance). */
    protected abstract StateStore open() throws Exception;

    /** Makes every audit append on the database fail (a trigger, a revoked grant), to prove the unit of work. */
    protected abstract void breakAuditAppends() throws Exception;

    private final List<StateStore> opened = new ArrayList<>();
    protected StateStore store;

    @BeforeEach
    void openStore() throws Exception {
        createDatabase();
        store = track(open());
    }

    @AfterEach
    void closeStores() {
        opened.forEach(StateStore::close);
    }

    private StateStore track(StateStore s) {
        opened.add(s);
        return s;
    }

    private static VerdictRecord held(String pkg, String version) {
        return new VerdictRecord("npm:" + pkg + "@" + version, "npm", pkg, version, "QUARANTINED", null, "[]", "d1", "p1", T0, T0);
    }

    @Test
    void auditEntriesChainOntoEachOtherAcrossInstances() throws Exception {
        StateStore other = track(open());
        AuditRecord a = store.appendAudit(T0, "alice", "release", "npm:x@1", "ok", "{}");
        AuditRecord b = other.appendAudit(T0.plusSeconds(1), "bob", "reject", "npm:x@2", "no", "{}");
        AuditRecord c = store.appendAudit(T0.plusSeconds(2), "alice", "token.create", "t", null, "{}");
        assertEquals(List.of(1L, 2L, 3L), List.of(a.seq(), b.seq(), c.seq()));
        assertEquals(AuditChain.GENESIS, a.prevHash());
        assertEquals(a.hash(), b.prevHash());
        assertEquals(b.hash(), c.prevHash());
        for (AuditRecord r : store.audit(AuditQuery.all(10))) {
            assertEquals(AuditChain.hash(r), r.hash(), "entry " + r.seq() + " hashes to what it says");
        }
        assertEquals(1, store.auditCount(new AuditQuery("bob", null, null, null, 0, true, 10, 0)));
    }

    @Test
    void tokensAreStoredRevokedAndNamesAreUnique() {
        store.putToken(new TokenRecord("ci", "viewer", "h1", T0, null, null));
        assertThrows(RuntimeException.class, () -> store.putToken(new TokenRecord("ci", "admin", "h2", T0, null, null)));
        assertTrue(store.revokeToken("ci", T0.plusSeconds(5)));
        assertFalse(store.revokeToken("ci", T0.plusSeconds(6)), "a revoked token cannot be revoked again");
        TokenRecord t = store.tokens().get(0);
        assertEquals("viewer", t.role());
        assertEquals(T0.plusSeconds(5), t.revokedAt());
    }

    @Test
    void rulesAreAddedAndRemoved() {
        RuleRecord r = store.addRule("deny", "npm:evil", "malware", "alice", T0);
        RuleRecord s = store.addRule("allow", "npm:good", "vetted", "alice", T0);
        assertTrue(s.id() > r.id());
        assertTrue(store.removeRule(r.id(), T0.plusSeconds(1)));
        assertFalse(store.removeRule(r.id(), T0.plusSeconds(2)));
        assertEquals(List.of("npm:good"), store.rules().stream().map(RuleRecord::pattern).toList());
    }

    @Test
    void keysAndSignersArePinnedOnFirstUse() {
        RegistryKey k = new RegistryKey("key1", "spki-a", null);
        assertEquals("spki-a", store.pinKey("npm", k, T0).spki());
        assertEquals("spki-a", store.pinKey("npm", new RegistryKey("key1", "spki-b", null), T0).spki(), "the first key under an id stays");
        assertEquals(List.of(), store.learnSigner("maven", "org.example", "pgp", "AAAA", T0));
        assertEquals(List.of("AAAA"), store.learnSigner("maven", "org.example", "pgp", "BBBB", T0.plusSeconds(1)));
        assertEquals(List.of("AAAA", "BBBB"), store.learnSigner("maven", "org.example", "pgp", "AAAA", T0.plusSeconds(2)));
    }

    @Test
    void decisionsAreNumberedAndFoundByPackage() {
        store.putVerdicts(List.of(held("left-pad", "1.0.0")));
        DecisionRecord a = store.addDecision(new DecisionRecord(0, "npm:left-pad@1.0.0", "release", "vetted", "alice", "d1", null, T0));
        DecisionRecord b = store.addDecision(new DecisionRecord(0, "npm:left-pad@1.0.0", "reject", "changed mind", "bob", "d1", null, T0));
        assertTrue(b.seq() > a.seq());
        assertEquals(List.of("release", "reject"), store.decisions("npm:left-pad@1.0.0").stream().map(DecisionRecord::action).toList());
        assertEquals(Set.of("npm:left-pad@1.0.0"), store.decisionsFor("npm", "left-pad").keySet());
    }

    @Test
    void aUnitOfWorkCommitsWholeOrNotAtAll() {
        store.putVerdicts(List.of(held("a", "1")));
        assertThrows(IllegalStateException.class, () -> store.inTransaction(() -> {
            store.addDecision(new DecisionRecord(0, "npm:a@1", "release", "ok", "alice", "d1", null, T0));
            store.appendAudit(T0, "alice", "release", "npm:a@1", "ok", "{}");
            store.enqueue("{}", T0);
            throw new IllegalStateException("the caller fails half-way");
        }));
        assertEquals(List.of(), store.decisions("npm:a@1"));
        assertEquals(0, store.auditCount(AuditQuery.all(10)));
        assertEquals(0, store.undelivered());
    }

    @Test
    void aDecisionWhoseAuditAppendFailsLeavesNeitherRow() throws Exception {
        store.putVerdicts(List.of(held("b", "1")));
        breakAuditAppends();
        assertThrows(RuntimeException.class, () -> store.inTransaction(() -> {
            store.addDecision(new DecisionRecord(0, "npm:b@1", "release", "ok", "alice", "d1", null, T0));
            store.appendAudit(T0, "alice", "release", "npm:b@1", "ok", "{}");
        }));
        assertEquals(List.of(), store.decisions("npm:b@1"), "the decision went with its audit entry");
    }

    @Test
    void changesOfOneInstanceAreSeenByAnotherAndNotByItself() throws Exception {
        StateStore other = track(open());
        List<Change> seenByOther = new ArrayList<>();
        List<Change> seenBySelf = new ArrayList<>();
        ChangeFollower follower = new ChangeFollower(other, Clock.systemUTC(), Duration.ofSeconds(30), seenByOther::add, () -> { });
        ChangeFollower own = new ChangeFollower(store, Clock.systemUTC(), Duration.ofSeconds(30), seenBySelf::add, () -> { });
        store.putVerdicts(List.of(held("c", "1"), held("c", "2")));
        store.addDecision(new DecisionRecord(0, "npm:c@1", "reject", "no", "alice", "d1", null, T0));
        store.addRule("deny", "npm:x", "r", "alice", T0);
        store.putToken(new TokenRecord("t", "viewer", "h", T0, null, null));
        store.putContentFacts("npm", "c", "1", "c-1.tgz", "00", "{}", T0);
        follower.poll();
        own.poll();
        assertEquals(List.of(Change.VERDICT, Change.DECISION, Change.RULE, Change.TOKEN, Change.CONTENT),
                seenByOther.stream().map(Change::kind).toList());
        assertEquals("c", seenByOther.get(0).packageName(), "one change per package, naming it");
        assertEquals("c", seenByOther.get(1).packageName(), "a decision names its release's package");
        assertEquals(List.of(), seenBySelf, "an instance skips its own changes");
        follower.poll();
        assertEquals(5, seenByOther.size(), "each change is handed on once");
    }

    @Test
    void aRolledBackChangeIsNeverSeen() throws Exception {
        StateStore other = track(open());
        List<Change> seen = new ArrayList<>();
        ChangeFollower follower = new ChangeFollower(other, Clock.systemUTC(), Duration.ofSeconds(30), seen::add, () -> { });
        assertThrows(IllegalStateException.class, () -> store.inTransaction(() -> {
            store.addRule("deny", "npm:y", "r", "alice", T0);
            throw new IllegalStateException("rolled back");
        }));
        store.addRule("deny", "npm:z", "r", "alice", T0);
        follower.poll();
        assertEquals(1, seen.size());
        assertEquals(List.of("npm:z"), other.rules().stream().map(RuleRecord::pattern).toList());
    }

    @Test
    void outboxMessagesAreClaimedOnceRenewedAndCompleted() throws Exception {
        StateStore other = track(open());
        long a = store.enqueue("{\"n\":1}", T0);
        long b = store.enqueue("{\"n\":2}", T0);
        List<OutboxMessage> mine = store.claim("p1", T0, T0.plusSeconds(30), 10);
        assertEquals(List.of(a, b), mine.stream().map(OutboxMessage::id).toList());
        assertEquals(1, mine.get(0).attempts());
        assertEquals(List.of(), other.claim("p2", T0.plusSeconds(10), T0.plusSeconds(40), 10), "claimed messages are not claimed twice");
        store.renew("p1", List.of(a), T0.plusSeconds(60));
        store.complete(b, T0.plusSeconds(20));
        // p1 died: its claim on a ran out at +60 s; b was delivered.
        List<OutboxMessage> taken = other.claim("p2", T0.plusSeconds(61), T0.plusSeconds(91), 10);
        assertEquals(List.of(a), taken.stream().map(OutboxMessage::id).toList());
        assertEquals(2, taken.get(0).attempts());
        assertEquals("{\"n\":1}", taken.get(0).payload());
        other.complete(a, T0.plusSeconds(62));
        assertEquals(0, store.undelivered());
        assertEquals(2, store.pruneOutbox(T0.plusSeconds(100)));
    }

    @Test
    void artifactsKeepTheirFirstRecord() {
        ArtifactRecord first = new ArtifactRecord("npm", "d", "d-1.tgz", "1", "aa", 3, "application/octet-stream", "sha512-x", T0, null,
                Map.of("SHA-1", "bb"));
        ArtifactRecord second = new ArtifactRecord("npm", "d", "d-1.tgz", "1", "cc", 4, "application/octet-stream", "sha512-y", T0, null,
                Map.of());
        assertEquals("aa", store.putArtifact(first).sha256());
        assertEquals("aa", store.putArtifact(second).sha256(), "first seen wins");
        assertEquals(Map.of("SHA-1", "bb"), store.findArtifact("npm", "d", "d-1.tgz").orElseThrow().digests());
        store.replaceArtifact(second);
        assertEquals("cc", store.findArtifact("npm", "d", "d-1.tgz").orElseThrow().sha256());
    }

    @Test
    void aFetchLeaseHasOneHolderAtATimeAcrossInstancesAndRunsOut() throws Exception {
        // Two replicas miss the same file: one gets the lease, the other waits; a holder that
        // died loses it when it runs out; a release lets the next one in at once.
        StateStore other = track(open());
        Instant t = T0;
        assertTrue(store.claimFetch("npm:a/a-1.0.0.tgz", "one", t, t.plusSeconds(15)));
        assertFalse(other.claimFetch("npm:a/a-1.0.0.tgz", "two", t.plusSeconds(1), t.plusSeconds(16)), "held by one");
        assertTrue(other.claimFetch("npm:b/b-1.0.0.tgz", "two", t, t.plusSeconds(15)), "another file is another lease");
        assertTrue(store.claimFetch("npm:a/a-1.0.0.tgz", "one", t.plusSeconds(5), t.plusSeconds(20)), "renewed by its holder");
        assertFalse(other.claimFetch("npm:a/a-1.0.0.tgz", "two", t.plusSeconds(16), t.plusSeconds(31)), "the renewal counts");
        assertTrue(other.claimFetch("npm:a/a-1.0.0.tgz", "two", t.plusSeconds(20), t.plusSeconds(35)), "taken over once run out");
        store.releaseFetch("npm:a/a-1.0.0.tgz", "one"); // no longer its lease: nothing happens
        assertFalse(store.claimFetch("npm:a/a-1.0.0.tgz", "one", t.plusSeconds(21), t.plusSeconds(36)));
        other.releaseFetch("npm:a/a-1.0.0.tgz", "two");
        assertTrue(store.claimFetch("npm:a/a-1.0.0.tgz", "one", t.plusSeconds(22), t.plusSeconds(37)));
    }
}
