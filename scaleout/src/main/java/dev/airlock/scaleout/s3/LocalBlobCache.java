package dev.airlock.scaleout.s3;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * A replica's own disk cache of blobs that live in S3 ({@code storage.localCache}): files under
 * {@code <path>/<folder>/ab/cd/<sha256>}, sent from here with zero-copy. Past {@code maxSize}
 * the least recently used are deleted; S3 still has them, and the next request fetches them
 * back. A restart keeps the files and orders them by modification time.
 *
 * <p>Only the replica writes here, always by an atomic rename of a complete, verified file, so a
 * file present under a digest is that digest's bytes.
 */
public final class LocalBlobCache {

    private final Path root;
    private final Path tmp;
    private final long maxSize;
    /** Access-ordered: the eldest entry is the least recently used. Guarded by itself. */
    private final LinkedHashMap<Path, Long> files = new LinkedHashMap<>(1024, 0.75f, true);
    private long bytes;
    private final AtomicLong evictions = new AtomicLong();

    /** @param maxSize bytes to keep; 0 keeps everything */
    public LocalBlobCache(Path root, long maxSize) {
        this.root = root;
        this.tmp = root.resolve("tmp");
        this.maxSize = maxSize;
        try {
            Files.createDirectories(tmp);
            try (Stream<Path> stale = Files.list(tmp)) {
                for (Path p : (Iterable<Path>) stale::iterator) {
                    Files.deleteIfExists(p);
                }
            }
            List<Map.Entry<Path, BasicFileAttributes>> found = new ArrayList<>();
            try (Stream<Path> all = Files.walk(root, 4)) {
                for (Path p : (Iterable<Path>) all::iterator) {
                    if (!p.startsWith(tmp) && p.getFileName().toString().length() == 64) {
                        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                        if (a.isRegularFile()) {
                            found.add(Map.entry(p, a));
                        }
                    }
                }
            }
            found.sort(Comparator.comparing(e -> e.getValue().lastModifiedTime()));
            for (Map.Entry<Path, BasicFileAttributes> e : found) {
                files.put(e.getKey(), e.getValue().size());
                bytes += e.getValue().size();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("storage.localCache.path: cannot prepare " + root, e);
        }
        evict(null);
    }

    /** Where a blob of {@code folder} is (or would be) kept. */
    public Path pathOf(String folder, String sha256) {
        return root.resolve(folder).resolve(sha256.substring(0, 2)).resolve(sha256.substring(2, 4)).resolve(sha256);
    }

    /** A new empty temporary file on the cache's file system (so that the final rename is atomic). */
    public Path newTemp(String prefix) throws IOException {
        return Files.createTempFile(tmp, prefix, ".part");
    }

    /** Counts a file that was just renamed into place, and evicts what no longer fits. */
    public void admitted(Path file) {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            return; // gone already
        }
        synchronized (files) {
            Long before = files.put(file, size);
            bytes += size - (before == null ? 0 : before);
        }
        evict(file);
    }

    /** Marks a file read: it is evicted after those read less recently. */
    public void used(Path file) {
        synchronized (files) {
            files.get(file);
        }
    }

    /** Forgets and deletes a file (its blob was deleted). */
    public void remove(Path file) throws IOException {
        synchronized (files) {
            Long size = files.remove(file);
            if (size != null) {
                bytes -= size;
            }
        }
        Files.deleteIfExists(file);
    }

    public long bytes() {
        synchronized (files) {
            return bytes;
        }
    }

    public long evictions() {
        return evictions.get();
    }

    private void evict(Path keep) {
        if (maxSize <= 0) {
            return;
        }
        List<Path> doomed = new ArrayList<>();
        synchronized (files) {
            Iterator<Map.Entry<Path, Long>> it = files.entrySet().iterator();
            while (bytes > maxSize && it.hasNext()) {
                Map.Entry<Path, Long> e = it.next();
                if (e.getKey().equals(keep)) {
                    continue;
                }
                it.remove();
                bytes -= e.getValue();
                doomed.add(e.getKey());
            }
        }
        for (Path p : doomed) {
            try {
                Files.deleteIfExists(p);
                evictions.incrementAndGet();
            } catch (IOException ignored) {
                // left on disk, no longer counted: the next start counts it again
            }
        }
    }
}
