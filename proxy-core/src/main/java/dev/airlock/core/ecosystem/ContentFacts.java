package dev.airlock.core.ecosystem;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an artifact really contains, as far as the policy cares, read from the bytes Airlock
 * verified (never from what metadata claims).
 *
 * @param installHooks code the client runs because of what is in the file, by kind ("binding.gyp",
 *                     ".pth", "annotation-processor", "maven-plugin") with the evidence (a path, a
 *                     class name)
 * @param mismatches   where the file contradicts the registry's metadata (npm manifest confusion:
 *                     "scripts.postinstall" to "registry: none; tarball: node x.js")
 * @param anomalies    what no honest archive needs and no client should unpack: symlinks, absolute
 *                     or traversal paths, entries or sizes beyond the inspection bounds
 */
public record ContentFacts(Map<String, String> installHooks, Map<String, String> mismatches, List<String> anomalies) {

    public static final ContentFacts NONE = new ContentFacts(Map.of(), Map.of(), List.of());

    public ContentFacts {
        // Sorted: equal facts print the same in every JVM (the policy digests them).
        installHooks = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(installHooks));
        mismatches = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(mismatches));
        anomalies = List.copyOf(anomalies);
    }
}
