package dev.airlock.core.upstream;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * An upstream answer whose body has not been read yet. Must be closed: the body is a live stream
 * guarded by the read and total timeouts.
 */
public final class UpstreamResponse implements AutoCloseable {

    private final URI uri;
    private final int status;
    private final HttpHeaders headers;
    private final InputStream body;
    private final UpstreamClient client;

    UpstreamResponse(URI uri, int status, HttpHeaders headers, InputStream body, UpstreamClient client) {
        this.uri = uri;
        this.status = status;
        this.headers = headers;
        this.body = body;
        this.client = client;
    }

    /** The URL that answered (after redirects). */
    public URI uri() {
        return uri;
    }

    public int status() {
        return status;
    }

    public String header(String name) {
        return headers.firstValue(name).orElse(null);
    }

    /**
     * Reads the raw body as sent (still content-encoded) into {@code buf}, as {@link InputStream#read(byte[])};
     * a failure is an {@link UpstreamException} (connectivity or a stalled transfer).
     */
    public int read(byte[] buf) throws UpstreamException {
        try {
            return body.read(buf);
        } catch (IOException e) {
            throw client.bodyFailure(uri, e);
        }
    }

    /**
     * Reads the whole body, undoing gzip content-encoding, refusing more than {@code max} bytes.
     * Only for metadata and small pass-through answers; artifacts are streamed to disk.
     */
    public byte[] readBody(long max) throws UpstreamException {
        boolean gzip = "gzip".equalsIgnoreCase(header("content-encoding"));
        String declared = header("content-length");
        if (!gzip && declared != null) {
            // Refused before a byte is buffered when upstream says up front that it is too large.
            try {
                long length = Long.parseLong(declared.strip());
                if (length > max) {
                    throw new UpstreamException(UpstreamException.Kind.BAD_RESPONSE,
                            "upstream answer from " + client.describe(uri) + " is " + length + " bytes, larger than " + max);
                }
            } catch (NumberFormatException ignored) {
                // Not a number: the read below enforces the bound as the bytes come.
            }
        }
        try {
            InputStream in = gzip ? new GZIPInputStream(body) : body;
            // Kept as a list of fixed-size blocks and copied once at the end, never sized from a
            // declared length (a lie would allocate it). A doubling buffer (ByteArrayOutputStream)
            // would hold up to twice the body while growing and three times it while copying out.
            List<byte[]> blocks = new ArrayList<>();
            long total = 0;
            for (int size = FIRST_BLOCK; ; size = Math.min(size * 2, BLOCK)) {
                byte[] block = new byte[size];
                int n = in.readNBytes(block, 0, size);
                total += n;
                if (total > max || total > Integer.MAX_VALUE - 8) {
                    throw new UpstreamException(UpstreamException.Kind.BAD_RESPONSE,
                            "upstream answer from " + client.describe(uri) + " is larger than " + max + " bytes");
                }
                if (n > 0) {
                    blocks.add(block); // the last one partly filled: the copy below takes only what was read
                }
                if (n < size) {
                    break;
                }
            }
            byte[] out = new byte[(int) total];
            int at = 0;
            for (byte[] b : blocks) {
                int n = (int) Math.min(b.length, total - at);
                System.arraycopy(b, 0, out, at, n);
                at += n;
            }
            return out;
        } catch (IOException e) {
            throw client.bodyFailure(uri, e);
        }
    }

    /** Blocks double from 64 KiB (a checksum file costs no more than before) up to 1 MiB (the list stays short). */
    private static final int FIRST_BLOCK = 64 * 1024;
    static final int BLOCK = 1 << 20;

    @Override
    public void close() {
        try {
            body.close();
        } catch (IOException ignored) {
            // the connection is discarded either way
        }
    }
}
