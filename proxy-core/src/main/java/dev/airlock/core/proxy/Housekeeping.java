package dev.airlock.core.proxy;

import dev.airlock.core.metrics.AirlockMetrics;
import dev.airlock.core.store.ArtifactIndex.StoredFile;
import dev.airlock.core.store.BlobStore;
import dev.airlock.core.store.StateStore;
import dev.airlock.core.store.VerdictRecord;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps the file store within {@code storage.maxSize} and free of orphans; one process at a time
 * among those sharing the state store (a lease row), run every few minutes.
 *
 * <p><b>Bound.</b> Past {@code storage.maxSize}, the blobs of the files whose release no client
 * has asked for longest are deleted until the store fits. The index rows stay: they pin each
 * file's first-seen digest, so a file asked for again is fetched from upstream and must be the
 * same bytes. Never evicted: anything while offline (there is no upstream to fetch it again
 * from), the files of releases that are held or denied (the evidence reviewers read), and files
 * used within the last hour (a download or an export under way).
 *
 * <p><b>Orphans.</b> A blob no index row names (a download whose indexing failed, an import cut
 * short) is deleted when it was an orphan on the run before too: a blob is committed just before
 * its row is written, so an orphan seen once may be a download in its last moment.
 */
public final class Housekeeping {

    /** Files used more recently than this are never evicted. */
    static final Duration RECENT = Duration.ofHours(1);

    /** What one run did. */
    public record Report(long storedBytes, int evicted, long evictedBytes, int orphansDeleted, boolean ran) {
    }

    private final StateStore state;
    private final BlobStore blobs;
    private final long maxSize;
    private final boolean offline;
    private final Clock clock;
    private final AirlockMetrics metrics;
    private Set<String> orphansBefore = Set.of();
    private final AtomicLong storedBytes = new AtomicLong(-1);

    public Housekeeping(StateStore state, BlobStore blobs, long maxSize, boolean offline, Clock clock, AirlockMetrics metrics) {
        this.state = state;
        this.blobs = blobs;
        this.maxSize = maxSize;
        this.offline = offline;
        this.clock = clock;
        this.metrics = metrics;
        metrics.gauge("airlock_storage_stored_bytes", "bytes of indexed files in the blob store at the last housekeeping run"
                + " (-1 before the first); storage.maxSize bounds it", storedBytes::get);
        metrics.gauge("airlock_storage_max_bytes", "storage.maxSize (0: unbounded)", () -> maxSize);
    }

    /** One run, unless another process holds the housekeeping lease. Blocking. */
    public synchronized Report run() throws IOException {
        String lease = "airlock:housekeeping";
        String holder = state.origin();
        Instant now = clock.instant();
        if (!state.claimFetch(lease, holder, now, now.plus(Duration.ofMinutes(30)))) {
            return new Report(-1, 0, 0, 0, false);
        }
        try {
            Set<String> present = new HashSet<>();
            blobs.list(present::add);
            List<StoredFile> files = state.filesByLastUse();
            Set<String> named = new HashSet<>();
            files.forEach(f -> named.add(f.sha256()));
            int orphans = deleteOrphans(present, named);
            // Per blob: its size, and the latest use of any file that is it (one blob may serve several).
            Map<String, Long> size = new HashMap<>();
            Map<String, Instant> lastUse = new LinkedHashMap<>();
            for (StoredFile f : files) {
                if (present.contains(f.sha256())) {
                    size.put(f.sha256(), f.size());
                    lastUse.merge(f.sha256(), f.lastUse(), (a, b) -> a.isAfter(b) ? a : b);
                }
            }
            long total = size.values().stream().mapToLong(Long::longValue).sum();
            int evicted = 0;
            long evictedBytes = 0;
            if (maxSize > 0 && !offline && total > maxSize) {
                Set<String> keep = kept(files, now);
                List<Map.Entry<String, Instant>> order = new ArrayList<>(lastUse.entrySet());
                order.sort(Map.Entry.comparingByValue());
                for (Map.Entry<String, Instant> e : order) {
                    if (total <= maxSize) {
                        break;
                    }
                    if (keep.contains(e.getKey())) {
                        continue;
                    }
                    blobs.delete(e.getKey());
                    total -= size.get(e.getKey());
                    evicted++;
                    evictedBytes += size.get(e.getKey());
                    metrics.event("file_evicted", "all");
                }
            }
            storedBytes.set(total);
            return new Report(total, evicted, evictedBytes, orphans, true);
        } finally {
            state.releaseFetch(lease, holder);
        }
    }

    /** Blobs that must stay: held or denied releases' files, and files used within the last hour. */
    private Set<String> kept(List<StoredFile> files, Instant now) {
        Set<String> held = new HashSet<>();
        for (VerdictRecord v : state.held(null)) {
            held.add(v.ecosystem() + "\0" + v.packageName() + "\0" + v.version());
        }
        Set<String> keep = new HashSet<>();
        for (StoredFile f : files) {
            if (held.contains(f.ecosystem() + "\0" + f.packageName() + "\0" + f.version()) || f.lastUse().isAfter(now.minus(RECENT))) {
                keep.add(f.sha256());
            }
        }
        return keep;
    }

    private int deleteOrphans(Set<String> present, Set<String> named) throws IOException {
        Set<String> orphans = new HashSet<>(present);
        orphans.removeAll(named);
        int deleted = 0;
        for (String sha : orphans) {
            if (orphansBefore.contains(sha)) {
                blobs.delete(sha);
                present.remove(sha);
                deleted++;
                metrics.event("orphan_blob_deleted", "all");
            }
        }
        Set<String> still = new HashSet<>(orphans);
        still.retainAll(present);
        orphansBefore = still;
        return deleted;
    }
}
