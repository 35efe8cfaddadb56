package dev.airlock.core.ecosystem;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What upstream metadata says about one release, for the policy checks. A {@code null} field is
 * a fact the document does not state ("unknown"), which no check ever treats as a change.
 *
 * @param version      the version as the ecosystem spells it
 * @param publishedAt  upstream's publish time
 * @param publisher    who published it (npm {@code _npmUser})
 * @param maintainers  who may publish the package at this version (npm {@code maintainers})
 * @param installHooks code the client runs when installing it, by hook name ("preinstall",
 *                     "install", "postinstall", "node-gyp") with the command as evidence; empty when the
 *                     manifest declares none
 * @param dependencies what it depends on, name to version range
 * @param signatures   the registry's signatures over this release (npm {@code dist.signatures}),
 *                     empty when it has none, null when the ecosystem's registries do not sign
 * @param provenance   the build provenance the registry lists for it (npm {@code dist.attestations}
 *                     predicate type), "" when it lists none, null when unknown
 */
public record ReleaseFacts(String version, Instant publishedAt, String publisher, Set<String> maintainers,
                           Map<String, String> installHooks, Map<String, String> dependencies,
                           List<RegistrySignature> signatures, String provenance) {

    /** Facts without provenance (documents that say nothing about it). */
    public ReleaseFacts(String version, Instant publishedAt, String publisher, Set<String> maintainers,
                        Map<String, String> installHooks, Map<String, String> dependencies, List<RegistrySignature> signatures) {
        this(version, publishedAt, publisher, maintainers, installHooks, dependencies, signatures, null);
    }

    /**
     * One registry signature.
     *
     * @param keyid     which registry key made it
     * @param signature the signature (base64 DER for npm's ECDSA)
     * @param message   exactly the bytes signed (npm: {@code name@version:integrity})
     */
    public record RegistrySignature(String keyid, String signature, String message) {
    }

    /** Facts without registry signatures (ecosystems whose registries do not sign releases). */
    public ReleaseFacts(String version, Instant publishedAt, String publisher, Set<String> maintainers,
                        Map<String, String> installHooks, Map<String, String> dependencies) {
        this(version, publishedAt, publisher, maintainers, installHooks, dependencies, null, null);
    }

    public ReleaseFacts {
        Objects.requireNonNull(version, "version");
        // Sorted, so that equal facts print (and so digest) the same in every JVM: people's
        // decisions are kept against that digest.
        maintainers = maintainers == null ? null : Collections.unmodifiableSortedSet(new TreeSet<>(maintainers));
        installHooks = installHooks == null ? null : Collections.unmodifiableSortedMap(new TreeMap<>(installHooks));
        dependencies = dependencies == null ? null : Collections.unmodifiableSortedMap(new TreeMap<>(dependencies));
        signatures = signatures == null ? null : List.copyOf(signatures);
    }

    /** Only the version and publish time known (documents that state nothing else). */
    /**
     * The same text as {@link #toString()}, written directly. The policy digests these facts for
     * every version of a package on every decision, and the generated {@code toString} of a
     * record formats each component through a general-purpose path that was a twentieth of a
     * cold package's CPU. The text itself must not change: decisions already stored name
     * digests of it ({@code ReleaseFactsTest} holds the two equal).
     */
    public String canonical() {
        StringBuilder b = new StringBuilder(160);
        append(b);
        return b.toString();
    }

    /** {@link #canonical()} into a builder. */
    public void append(StringBuilder b) {
        b.append("ReleaseFacts[version=").append(version)
                .append(", publishedAt=").append(publishedAt)
                .append(", publisher=").append(publisher)
                .append(", maintainers=");
        if (maintainers == null) {
            b.append("null");
        } else {
            b.append('[');
            String sep = "";
            for (String m : maintainers) {
                b.append(sep).append(m);
                sep = ", ";
            }
            b.append(']');
        }
        b.append(", installHooks=");
        appendMap(b, installHooks);
        b.append(", dependencies=");
        appendMap(b, dependencies);
        b.append(", signatures=");
        if (signatures == null) {
            b.append("null");
        } else {
            b.append('[');
            String sep = "";
            for (RegistrySignature s : signatures) {
                b.append(sep).append("RegistrySignature[keyid=").append(s.keyid())
                        .append(", signature=").append(s.signature())
                        .append(", message=").append(s.message()).append(']');
                sep = ", ";
            }
            b.append(']');
        }
        b.append(", provenance=").append(provenance).append(']');
    }

    private static void appendMap(StringBuilder b, Map<String, String> map) {
        if (map == null) {
            b.append("null");
            return;
        }
        b.append('{');
        String sep = "";
        for (Map.Entry<String, String> e : map.entrySet()) {
            b.append(sep).append(e.getKey()).append('=').append(e.getValue());
            sep = ", ";
        }
        b.append('}');
    }

    public static ReleaseFacts of(ReleaseInfo release) {
        return new ReleaseFacts(release.version(), release.publishedAt(), null, null, null, null, null, null);
    }
}
