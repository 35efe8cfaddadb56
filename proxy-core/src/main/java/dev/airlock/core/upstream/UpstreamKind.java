package dev.airlock.core.upstream;

/**
 * What an upstream request is for, as {@code /-/metrics} and the access log count it: a cold
 * request's time is mostly these, so they are told apart.
 */
public enum UpstreamKind {
    /** A metadata document (packument, project page, maven-metadata.xml). */
    DOCUMENT,
    /** A file clients download (tarball, wheel, jar, POM) or its checksum file. */
    FILE,
    /** A signature beside a file ({@code .asc}, {@code .sigstore.json}). */
    SIGNATURE,
    /** A release's attestations document. */
    ATTESTATION,
    /** A size probe (HEAD) for a file a listing gave no size for. */
    PROBE,
    /** The registry's signing keys. */
    KEYS,
    /** A request passed through for the client (search, audit). */
    PASSTHROUGH;

    /** The metric tag and log word. */
    public String tag() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
