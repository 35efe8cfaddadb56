package dev.airlock.core.store;

import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What Airlock saw upstream and when: releases and files first listed, sizes probed, publish times, each package's newest release.
 * Part of {@link StateStore}; methods block (JDBC) and run on worker threads.
 */
public interface Observations {

    /**
     * Records that these versions of a package were present in upstream metadata at {@code now},
     * keeping the earliest observation of each.
     */
    void observeReleases(String ecosystem, String packageName, Collection<String> versions, Instant now);

    Optional<Instant> firstObserved(String ecosystem, String packageName, String version);

    /**
     * Records that these files (name to declared digest, SRI) were listed upstream at {@code now}:
     * a new file, or a known name with a new digest, is first seen now; others keep their record.
     */
    void observeFiles(String ecosystem, String packageName, Map<String, String> integrityByFile, Instant now);

    /** What {@link #observeFiles} recorded for a package, by file name. */
    Map<String, FileObservation> observedFiles(String ecosystem, String packageName);

    /** Records upstream's answer to a size probe ({@code size} empty when it gave none). */
    void recordProbedSize(String ecosystem, String packageName, String filename, OptionalLong size, Instant at);

    /** When Airlock first saw each version of a package listed, by version. */
    Map<String, Instant> observedReleases(String ecosystem, String packageName);

    /** Records when a release was published, as the repository states it; an earlier time already recorded is kept. */
    void putReleaseTime(String ecosystem, String packageName, String version, Instant publishedAt);

    /** The publish times recorded for a package's releases, by version. */
    Map<String, Instant> releaseTimes(String ecosystem, String packageName);

    /** Records a package's newest release (the highest version its metadata lists). */
    void putNewest(String ecosystem, String packageName, String version);

    /** Each package's newest release (of one ecosystem and package, either null for all), keyed by ecosystem and package joined with a NUL. */
    Map<String, String> newest(String ecosystem, String packageName);
}
