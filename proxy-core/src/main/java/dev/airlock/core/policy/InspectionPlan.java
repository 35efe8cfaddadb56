package dev.airlock.core.policy;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.airlock.core.ecosystem.ContentFacts;
import dev.airlock.core.ecosystem.Ecosystem;
import dev.airlock.core.ecosystem.PackageMetadata;
import dev.airlock.core.ecosystem.ReleaseFacts;
import dev.airlock.core.ecosystem.Route;
import dev.airlock.core.store.Ledgers;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * Which releases' files the policy has fetched and read before it decides: the newest release
 * of a package before it is listed, the release before it when a hook, a signer or a scope's
 * pinned key makes the comparison matter, and the release a held one is compared with. Each
 * release is fetched once; what its files contain lands in the {@link ContentLedger}.
 */
final class InspectionPlan {

    private static final System.Logger LOG = System.getLogger("airlock.policy");

    private final PolicyService.Inspections inspections;
    /** Where reads that do not wait on each other run at the same time (bounded; the caller runs one when it is full). */
    private final Executor parallel;
    private final ContentLedger ledger;
    private final Ledgers state;
    private final Function<String, Ecosystem> ecosystems;
    /** Releases whose files were fetched for inspection (or tried): never twice. */
    private final Cache<String, Boolean> prefetched = Caffeine.newBuilder().maximumSize(100_000).build();

    InspectionPlan(PolicyService.Inspections inspections, ContentLedger ledger, Ledgers state, Function<String, Ecosystem> ecosystems,
                   Executor parallel) {
        this.inspections = inspections;
        this.parallel = parallel;
        this.ledger = ledger;
        this.state = state;
        this.ecosystems = ecosystems;
    }

    /**
     * Before the newest release is listed, its files are fetched and read once, so that what
     * they contain (a .pth file, an annotation processor, a manifest that contradicts the
     * registry's) can hold it before any client picks it. When it ships a hook, the release
     * before it is read too: a long-standing hook is then recognised as such.
     *
     * <p>Where signing keys are trusted on first use per scope (a Maven groupId), the release
     * before the newest is read first: the key pinned for the scope is then the established one,
     * not the newest release's (the one under suspicion), and the newest is compared with its
     * predecessor's signer.
     */
    void inspectNewest(String ecosystem, PackageMetadata metadata) {
        List<ReleaseFacts> releases = metadata.releaseFacts();
        if (releases.isEmpty()) {
            return;
        }
        String pkg = metadata.packageName();
        String newest = releases.get(releases.size() - 1).version();
        // The release the newest is compared with, as the engine picks it (the highest lower one).
        ReleaseFacts previous = PolicyEngine.previous(releases, metadata.versionOrder())[releases.size() - 1];
        Ecosystem eco = ecosystems.apply(ecosystem);
        if (previous != null && eco != null && eco.signerScope(pkg) != null) {
            prefetch(ecosystem, metadata, previous.version());
        }
        // A hook the metadata declares, or who built it (provenance it lists), is judged against the
        // release before it: when the metadata says so already, both are read at the same time.
        ReleaseFacts declared = releases.get(releases.size() - 1);
        boolean declaresHooks = declared.installHooks() != null && !declared.installHooks().isEmpty();
        boolean declaresBuilder = declared.provenance() != null && !declared.provenance().isEmpty();
        CompletableFuture<Boolean> before = previous != null && (declaresHooks || declaresBuilder)
                ? CompletableFuture.supplyAsync(() -> prefetch(ecosystem, metadata, previous.version()), parallel) : null;
        boolean fetched = prefetch(ecosystem, metadata, newest);
        if (before != null) {
            before.join();
        } else if (fetched && previous != null) {
            Map<String, ContentFacts> read = ledger.readings(ecosystem, pkg, false);
            ContentFacts n = read.get(newest);
            // A hook found only in the files, or a signer the files carry, is judged against the
            // release before it too, whose files a reviewer then also sees compared.
            if (n != null && (!n.installHooks().isEmpty() || !n.signer().isEmpty())) {
                prefetch(ecosystem, metadata, previous.version());
            }
        }
    }

    /**
     * Before a hook found in a release's files holds it as new, the release it is compared with is
     * read too (for Maven a POM of a few kilobytes): "the previous version is not known to have it"
     * is allowed only where that version truly cannot be read. Reads one release, never a chain.
     *
     * @return whether it read something, so the package must be decided again
     */
    boolean readPrevious(String ecosystem, PackageMetadata metadata, String version) {
        Map<String, ContentFacts> read = ledger.readings(ecosystem, metadata.packageName(), false);
        ContentFacts facts = read.get(version);
        if (facts == null || facts.installHooks().isEmpty()) {
            return false;
        }
        List<ReleaseFacts> history = metadata.releaseFacts();
        for (int i = 0; i < history.size(); i++) {
            if (history.get(i).version().equals(version)) {
                ReleaseFacts previous = PolicyEngine.previous(history, metadata.versionOrder())[i];
                return previous != null && !read.containsKey(previous.version()) && prefetch(ecosystem, metadata, previous.version());
            }
        }
        return false;
    }

    /** Fetches a release's files for inspection unless done before; true when it fetched now. */
    private boolean prefetch(String ecosystem, PackageMetadata metadata, String version) {
        String k = ecosystem + "\0" + metadata.packageName() + "\0" + version;
        if (prefetched.asMap().putIfAbsent(k, Boolean.TRUE) != null) {
            return false;
        }
        if (state.contentFacts(ecosystem, metadata.packageName()).containsKey(version)) {
            return false;
        }
        // A release's files (a PyPI release lists one per platform) are fetched at the same time.
        List<CompletableFuture<Void>> files = new ArrayList<>();
        for (Route r : metadata.artifactsOf(version)) {
            files.add(CompletableFuture.runAsync(() -> {
                try {
                    inspections.fetch(ecosystem, r);
                } catch (Exception e) {
                    // Not readable now (upstream down, gone): decided without it; clients fetching it get it inspected then.
                    LOG.log(Level.DEBUG, "cannot fetch " + ecosystem + " " + metadata.packageName() + "@" + version + " for inspection: "
                            + e.getMessage());
                }
            }, parallel));
        }
        files.forEach(CompletableFuture::join);
        return true;
    }
}
