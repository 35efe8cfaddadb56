package dev.airlock.core.proxy;

import dev.airlock.core.ecosystem.FileFacts;
import dev.airlock.core.ecosystem.PackageMetadata;
import dev.airlock.core.ecosystem.RenderContext;
import dev.airlock.core.ecosystem.Rendered;
import dev.airlock.core.policy.View;
import dev.airlock.core.store.MetadataState;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.zip.GZIPOutputStream;

/**
 * A parsed document with its fetch state and its renderings.
 *
 * <p>Memory: the upstream bytes are not held here; they stay in the metadata file on disk and
 * are read back only to make a rendering. A rendering is made once per mount URL (clients may
 * reach Airlock under several names) and kept, with its gzip form and ETag, in direct memory:
 * a warm request is then a buffer duplicate written to the socket, with no parsing, rendering,
 * compression or copy to the kernel's side.
 */
public final class MetadataEntry {

    /** Renderings kept per entry; more distinct Host names than this are rendered but not kept. */
    private static final int MAX_RENDERINGS = 8;

    /** Reads the upstream document back (from the metadata file). */
    interface DocumentSource {
        byte[] read() throws IOException;

        /**
         * The bytes just fetched or read, handed out once, then this source: the first rendering
         * usually follows at once, and reading back and hashing what is still in memory would
         * double the work of a cold document. Until then the entry's weight already counts
         * room for the body.
         */
        default DocumentSource holding(byte[] body) {
            AtomicReference<byte[]> once = new AtomicReference<>(body);
            return () -> {
                byte[] b = once.getAndSet(null);
                return b != null ? b : read();
            };
        }
    }

    private final PackageMetadata metadata;
    private final MetadataState state;
    private final long documentSize;
    private final DocumentSource source;
    private final Renderings renderings;

    /**
     * The renderings of one document, shared by the entries a 304 makes of it. Dropped when the
     * package's file facts change; the generation keeps a rendering made from the old facts,
     * while the change happened, from being kept.
     */
    private static final class Renderings {
        final ConcurrentHashMap<String, Document> byMount = new ConcurrentHashMap<>();
        long generation;

        synchronized long generation() {
            return generation;
        }

        synchronized Document keep(String mountUrl, Document d, long madeAt) {
            if (madeAt != generation || byMount.size() >= MAX_RENDERINGS && !byMount.containsKey(mountUrl)) {
                return d;
            }
            // Replaces an expired rendering of the same mount (a hold that ended).
            byMount.put(mountUrl, d);
            return d;
        }

        synchronized void clear() {
            generation++;
            byMount.clear();
        }
    }

    MetadataEntry(PackageMetadata metadata, MetadataState state, long documentSize, DocumentSource source) {
        this(metadata, state, documentSize, source, new Renderings());
    }

    private MetadataEntry(PackageMetadata metadata, MetadataState state, long documentSize, DocumentSource source,
                          Renderings renderings) {
        this.metadata = metadata;
        this.state = state;
        this.documentSize = documentSize;
        this.source = source;
        this.renderings = renderings;
    }

    public PackageMetadata metadata() {
        return metadata;
    }

    public MetadataState state() {
        return state;
    }

    /** Same document, new fetch state (after a 304): renderings stay valid. */
    MetadataEntry withState(MetadataState s) {
        return new MetadataEntry(metadata, s, documentSize, source, renderings);
    }

    /** The rendering for this mount URL if it was made already; non-blocking. */
    public Document peekRendering(String mountUrl, Instant now) {
        Document d = renderings.byMount.get(mountUrl);
        // A rendering that hides a release until it comes of age is good until then.
        return d == null || !now.isBefore(d.validUntil()) ? null : d;
    }

    /** Forgets every rendering (the package's file facts changed); the next request renders anew. */
    void clearRenderings() {
        renderings.clear();
    }

    /**
     * The rendering for this mount URL, made now if needed (disk and CPU work: call on a worker).
     * Callers go through {@link MetadataService#rendering}, which re-weighs the entry in the cache
     * when a rendering is added.
     */
    Document rendering(String mountUrl, Instant now, Supplier<Function<String, FileFacts>> facts,
                       Supplier<View> policy) {
        Document d = peekRendering(mountUrl, now);
        if (d != null) {
            return d;
        }
        long generation = renderings.generation();
        byte[] document;
        try {
            document = source.read();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the stored metadata of " + metadata.packageName(), e);
        }
        View view = policy.get();
        d = Document.of(metadata.render(document, new RenderContext(mountUrl, view.visible(), facts.get(), view.held(), view.files())), view.validUntil());
        return renderings.keep(mountUrl, d, generation);
    }

    /**
     * Parsed facts plus the renderings held (direct memory counts too: it is memory all the same);
     * before the first rendering, room for one is reserved.
     */
    long weight() {
        long held = 0;
        for (Document d : renderings.byMount.values()) {
            held += d.body().capacity() + d.gzip().capacity();
        }
        return metadata.weight() + Math.max(held, documentSize * 3 / 2);
    }

    /** A loaded entry and how it was obtained. */
    public record Loaded(MetadataEntry entry, CacheStatus status) {
    }

    /**
     * A rendered document ready to send: identity and gzip bodies in read-only direct buffers
     * (share them with {@link ByteBuffer#duplicate()}), and a strong ETag over the identity body.
     */
    public record Document(ByteBuffer body, ByteBuffer gzip, String contentType, String etag, Instant validUntil,
                           Map<String, String> headers) {

        static Document of(Rendered r, Instant validUntil) {
            byte[] body = r.body();
            return new Document(direct(body), direct(gzip(body)), r.contentType(), etag(body), validUntil, r.headers());
        }

        /** The hex digest of the identity body in this JCA algorithm (checksum files of a rendered document). */
        public String digest(String algorithm) {
            try {
                MessageDigest md = MessageDigest.getInstance(algorithm);
                md.update(body.duplicate());
                return HexFormat.of().formatHex(md.digest());
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalArgumentException("unsupported digest algorithm " + algorithm, e);
            }
        }

        /** The identity body as bytes (tests and tools; the server sends the buffer). */
        public byte[] bytes() {
            ByteBuffer b = body.duplicate();
            byte[] out = new byte[b.remaining()];
            b.get(out);
            return out;
        }

        private static ByteBuffer direct(byte[] bytes) {
            return ByteBuffer.allocateDirect(bytes.length).put(bytes).flip().asReadOnlyBuffer();
        }

        private static byte[] gzip(byte[] body) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, body.length / 6));
            try (GZIPOutputStream gz = new GZIPOutputStream(out, 64 * 1024)) {
                gz.write(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out.toByteArray();
        }

        private static String etag(byte[] body) {
            try {
                byte[] d = MessageDigest.getInstance("SHA-256").digest(body);
                return "\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(d).substring(0, 32) + "\"";
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
