package dev.airlock.core.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.airlock.config.LimitsConfig;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How Airlock reads JSON that someone else wrote (an admin API request, an upstream document, a
 * bundle's records): a key that appears twice is an error, not "the last one wins", because a
 * reviewer or a proxy in front that reads the first one would see something else than Airlock
 * acts on; bytes that are not well-formed UTF-8 (an overlong {@code C0 AE} for '.') are an error,
 * not a character; nesting is bounded. Every reader of untrusted JSON goes through here.
 */
public final class StrictJson {

    /**
     * Deeper nesting than any real document has: bounded so a hostile one cannot exhaust the stack.
     * Upstream documents use {@code limits.jsonDepth} ({@link #factory(int)}); Airlock's own formats
     * (admin requests, bundle records, Sigstore bundles) are shallow and keep this fixed bound.
     */
    public static final int MAX_DEPTH = LimitsConfig.DEFAULTS.jsonDepth();

    private static final JsonFactory FACTORY = strict(MAX_DEPTH);

    /** A mapper whose parsers refuse duplicate keys and deep nesting (UTF-8 is checked by {@link #read}). */
    public static final ObjectMapper MAPPER = JsonMapper.builder(FACTORY).build();

    /** One factory and mapper per configured depth: a process has one or two, and both are thread-safe. */
    private static final ConcurrentHashMap<Integer, ObjectMapper> BY_DEPTH = new ConcurrentHashMap<>(Map.of(MAX_DEPTH, MAPPER));

    private static JsonFactory strict(int depth) {
        return JsonFactory.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(depth).build())
                .build();
    }

    /** A mapper like {@link #MAPPER} whose parsers refuse nesting deeper than {@code depth}. */
    public static ObjectMapper mapper(int depth) {
        return BY_DEPTH.computeIfAbsent(depth, d -> JsonMapper.builder(strict(d)).build());
    }

    /** The factory behind {@link #mapper(int)}, for streaming readers of upstream documents. */
    public static JsonFactory factory(int depth) {
        return mapper(depth).getFactory();
    }

    private StrictJson() {
    }

    /** The factory behind {@link #MAPPER}, for streaming readers. */
    public static JsonFactory factory() {
        return FACTORY;
    }

    /**
     * Parses a document after checking its bytes are well-formed UTF-8.
     *
     * @throws IOException naming what is wrong: not UTF-8, not JSON, a duplicate key, too deep
     */
    public static JsonNode read(byte[] json) throws IOException {
        return read(json, MAX_DEPTH);
    }

    /** {@link #read(byte[])} with nesting bounded at {@code depth} ({@code limits.jsonDepth}). */
    public static JsonNode read(byte[] json, int depth) throws IOException {
        requireUtf8(json);
        return mapper(depth).readTree(json);
    }

    /**
     * Throws unless the bytes are well-formed UTF-8 as RFC 3629 defines it: no overlong forms, no
     * surrogates, nothing above U+10FFFF, no truncated sequence. One pass, no allocation, so it
     * costs little beside parsing even on a document of tens of megabytes.
     */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    public static void requireUtf8(byte[] b) throws IOException {
        int i = 0;
        int n = b.length;
        while (i < n) {
            // Eight ASCII bytes at a time: registry documents are nearly all ASCII, and this pass
            // ran over every byte of every cold packument.
            if (i + Long.BYTES <= n && ((long) LONGS.get(b, i) & 0x8080808080808080L) == 0) {
                i += Long.BYTES;
                continue;
            }
            int c = b[i] & 0xff;
            if (c < 0x80) {
                i++;
                continue;
            }
            int len;
            int min;
            if (c >= 0xc2 && c <= 0xdf) {
                len = 2;
                min = 0x80;
            } else if (c >= 0xe0 && c <= 0xef) {
                len = 3;
                min = 0x800;
            } else if (c >= 0xf0 && c <= 0xf4) {
                len = 4;
                min = 0x10000;
            } else {
                throw new IOException("not well-formed UTF-8: byte 0x" + Integer.toHexString(c) + " at offset " + i);
            }
            if (i + len > n) {
                throw new IOException("not well-formed UTF-8: a sequence cut off at offset " + i);
            }
            int cp = c & (0xff >> (len + 1));
            for (int k = 1; k < len; k++) {
                int cc = b[i + k] & 0xff;
                if ((cc & 0xc0) != 0x80) {
                    throw new IOException("not well-formed UTF-8: a broken sequence at offset " + i);
                }
                cp = cp << 6 | cc & 0x3f;
            }
            if (cp < min || cp > 0x10ffff || cp >= 0xd800 && cp <= 0xdfff) {
                throw new IOException("not well-formed UTF-8: an overlong or invalid sequence at offset " + i);
            }
            i += len;
        }
    }
}
