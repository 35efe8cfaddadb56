package dev.airlock.core.proxy;

import dev.airlock.core.store.BlobSpool;
import dev.airlock.core.store.BlobStore;
import dev.airlock.core.store.MetadataState;
import dev.airlock.core.store.StateStore;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The stored bodies of metadata documents, in a blob store of their own (content-addressed like
 * artifacts, so a replica can share them through the same kind of store).
 *
 * <p>A refreshed document gets a new blob; the one it replaces is retired and deleted after
 * {@link #GRACE}, when no stored document of its package still names it: a request that read
 * the old state a moment before can still render from it. A crash between the two leaves an
 * unreferenced blob behind, which costs only disk.
 *
 * <p>Bodies are copies of what upstream serves, kept in a store that does not fsync them
 * ({@link dev.airlock.core.store.FileBlobStore#refetchable}): a body a crash lost or tore fails
 * its digest when read, is deleted, and the document is fetched again.
 *
 * <p>Data written by releases before this store kept bodies under {@code <data>/metadata/},
 * named by a digest of their key; such a body is read once from there, checked against its
 * recorded digest, and moved into the store.
 */
public final class MetadataBodies {

    /** How long a replaced body stays readable: longer than any rendering of it takes. */
    static final Duration GRACE = Duration.ofSeconds(60);

    private record Retired(String ecosystem, String packageName, String sha256, Instant at) {
    }

    private final BlobStore documents;
    private final Path legacy;
    private final StateStore state;
    private final Clock clock;
    private final ConcurrentLinkedQueue<Retired> retired = new ConcurrentLinkedQueue<>();

    public MetadataBodies(BlobStore documents, Path dataDir, StateStore state, Clock clock) {
        this.documents = documents;
        this.legacy = dataDir.resolve("metadata");
        this.state = state;
        this.clock = clock;
    }

    /** Stores a body; returns its SHA-256, which the document's state records. */
    public String write(byte[] body) throws IOException {
        try (BlobSpool spool = documents.spool(Set.of())) {
            spool.write(body);
            spool.commit();
            return spool.sha256Hex();
        }
    }

    /**
     * The body a state names, refused when its bytes are not that digest.
     *
     * @throws NoSuchFileException when neither the store nor an older release's folder has it
     */
    public byte[] read(MetadataState s) throws IOException {
        byte[] body;
        try (InputStream in = documents.open(s.bodySha256())) {
            body = in.readAllBytes();
        } catch (NoSuchFileException e) {
            body = migrate(s);
        }
        if (!MetadataService.sha256(body).equals(s.bodySha256())) {
            // Torn by a crash (bodies are not fsynced) or damaged: deleted, so that fetching the
            // document again can store the same bytes under the same name.
            documents.delete(s.bodySha256());
            throw new IOException("the stored metadata body " + s.bodySha256() + " does not hash to its name");
        }
        return body;
    }

    /** A body as an older release stored it, moved into the store on the way. */
    private byte[] migrate(MetadataState s) throws IOException {
        Path old = legacy.resolve(MetadataService.bodyName(s.ecosystem(), s.cacheKey()));
        byte[] body = Files.readAllBytes(old); // NoSuchFileException when there is none: a lost copy
        if (MetadataService.sha256(body).equals(s.bodySha256())) {
            write(body);
            Files.deleteIfExists(old);
        }
        return body;
    }

    /** Stores a verified local file under its digest (an imported bundle's document). */
    public void put(Path file, String sha256) throws IOException {
        documents.put(file, sha256);
    }

    /** Marks a body replaced by a newer one of the same document. */
    public void retire(String ecosystem, String packageName, String sha256) {
        retired.add(new Retired(ecosystem, packageName, sha256, clock.instant()));
    }

    /** Deletes retired bodies past their grace that no stored document of their package names. Blocking. */
    public int sweep() {
        Instant cutoff = clock.instant().minus(GRACE);
        int deleted = 0;
        for (Retired r = retired.peek(); r != null && !r.at().isAfter(cutoff); r = retired.peek()) {
            retired.poll();
            String sha = r.sha256();
            boolean named = state.metadataOf(r.ecosystem(), r.packageName()).stream().anyMatch(m -> m.bodySha256().equals(sha));
            if (!named) {
                try {
                    documents.delete(sha);
                    deleted++;
                } catch (IOException e) {
                    System.getLogger("airlock.metadata").log(System.Logger.Level.WARNING,
                            "cannot delete the replaced metadata body " + sha + ": " + e.getMessage());
                }
            }
        }
        return deleted;
    }
}
