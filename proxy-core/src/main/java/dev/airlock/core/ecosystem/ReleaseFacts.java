package dev.airlock.core.ecosystem;

import java.time.Instant;
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
 */
public record ReleaseFacts(String version, Instant publishedAt, String publisher, Set<String> maintainers,
                           Map<String, String> installHooks, Map<String, String> dependencies) {

    public ReleaseFacts {
        Objects.requireNonNull(version, "version");
        // Sorted, so that equal facts print (and so digest) the same in every JVM: people's
        // decisions are kept against that digest.
        maintainers = maintainers == null ? null : java.util.Collections.unmodifiableSortedSet(new TreeSet<>(maintainers));
        installHooks = installHooks == null ? null : java.util.Collections.unmodifiableSortedMap(new TreeMap<>(installHooks));
        dependencies = dependencies == null ? null : java.util.Collections.unmodifiableSortedMap(new TreeMap<>(dependencies));
    }

    /** Only the version and publish time known (documents that state nothing else). */
    public static ReleaseFacts of(ReleaseInfo release) {
        return new ReleaseFacts(release.version(), release.publishedAt(), null, null, null, null);
    }
}
