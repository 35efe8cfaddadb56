package dev.airlock.core.ecosystem;

import java.util.Objects;

/**
 * A file Airlock makes from a cached artifact and serves beside it, such as the core metadata
 * extracted from a Python wheel. The core stores it in the blob store, records its digest and
 * offers it to renderings through {@link FileFacts#derived()}.
 *
 * @param filename    the name it is requested under, in the same package as the artifact
 * @param bytes       its content; small (the core refuses more than a few megabytes)
 * @param contentType the media type to serve it with
 */
public record DerivedFile(String filename, byte[] bytes, String contentType) {

    public DerivedFile {
        Objects.requireNonNull(filename, "filename");
        Objects.requireNonNull(contentType, "contentType");
        bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }
}
