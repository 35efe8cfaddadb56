package dev.airlock.core.proxy;

import dev.airlock.core.ecosystem.PackageMetadata;
import dev.airlock.core.ecosystem.RenderContext;
import dev.airlock.core.ecosystem.Rendered;
import dev.airlock.core.store.MetadataState;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * A parsed document with its fetch state and its renderings. A rendering is made once per
 * mount URL (clients may reach Airlock under several names) and kept with its gzip form and
 * ETag, so a warm request costs no parsing, rendering or compression.
 */
public final class MetadataEntry {

    /** Renderings kept per entry; more distinct Host names than this are rendered but not kept. */
    private static final int MAX_RENDERINGS = 8;

    private final PackageMetadata metadata;
    private final MetadataState state;
    private final ConcurrentHashMap<String, Document> renderings;

    MetadataEntry(PackageMetadata metadata, MetadataState state) {
        this(metadata, state, new ConcurrentHashMap<>());
    }

    private MetadataEntry(PackageMetadata metadata, MetadataState state, ConcurrentHashMap<String, Document> renderings) {
        this.metadata = metadata;
        this.state = state;
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
        return new MetadataEntry(metadata, s, renderings);
    }

    /** The rendering for this mount URL if it was made already; non-blocking. */
    public Document peekRendering(String mountUrl) {
        return renderings.get(mountUrl);
    }

    /** The rendering for this mount URL, made now if needed (CPU work: call on a worker). */
    public Document rendering(String mountUrl) {
        Document d = renderings.get(mountUrl);
        if (d != null) {
            return d;
        }
        Rendered r = metadata.render(new RenderContext(mountUrl, v -> true));
        d = Document.of(r);
        if (renderings.size() < MAX_RENDERINGS) {
            renderings.putIfAbsent(mountUrl, d);
        }
        return d;
    }

    /** Parsed form plus room for renderings (body and gzip). */
    long weight() {
        return metadata.weight() * 3;
    }

    /** A loaded entry and how it was obtained. */
    public record Loaded(MetadataEntry entry, CacheStatus status) {
    }

    /** A rendered document ready to send: identity and gzip bodies, strong ETag over the identity body. */
    public record Document(byte[] body, byte[] gzip, String contentType, String etag) {

        static Document of(Rendered r) {
            return new Document(r.body(), gzip(r.body()), r.contentType(), etag(r.body()));
        }

        private static byte[] gzip(byte[] body) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, body.length / 6));
            try (GZIPOutputStream gz = new GZIPOutputStream(out, 64 * 1024) {
                {
                    def.setLevel(Deflater.DEFAULT_COMPRESSION);
                }
            }) {
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
