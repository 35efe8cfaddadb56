package dev.airlock.core.ecosystem;

import java.net.URI;
import java.util.Objects;

/**
 * A signature an ecosystem wants verified over a file: fetched from the upstream the file came
 * from, beside it ({@code suffix}, Maven's {@code .asc}) or at a URL the metadata gave (PyPI's
 * PEP 740 provenance). A 404 means "none", which the ecosystem judges.
 *
 * @param kind   the ecosystem's name for it, the key under which {@link Ecosystem#verifySignatures}
 *               receives the bytes
 * @param suffix appended to the file's URL, or null
 * @param url    an absolute URL on the same upstream, or null
 * @param accept the Accept header to send
 */
public record SignatureRef(String kind, String suffix, URI url, String accept) {

    public SignatureRef {
        Objects.requireNonNull(kind, "kind");
        if ((suffix == null) == (url == null)) {
            throw new IllegalArgumentException("a signature is either beside the file or at a URL");
        }
    }

    public static SignatureRef beside(String kind, String suffix) {
        return new SignatureRef(kind, suffix, null, "*/*");
    }

    public static SignatureRef at(String kind, URI url, String accept) {
        return new SignatureRef(kind, null, url, accept);
    }
}
