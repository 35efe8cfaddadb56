package dev.airlock.core.ecosystem;

import java.util.Comparator;

/**
 * An ecosystem's order of version strings (npm's semver precedence, PEP 440, Maven's
 * {@code ComparableVersion}) and its notion of a pre-release, which the core cannot know: the
 * policy compares each release with the highest lower one, skipping pre-releases for a final
 * release.
 *
 * <p>Total over every string the ecosystem's metadata may list: a version the ecosystem cannot
 * read is still ordered (implementations say where), never an exception.
 */
public interface VersionOrder extends Comparator<String> {

    /**
     * Whether the version is a pre-release as the ecosystem's clients understand it (those that
     * do not install it unless asked: npm "1.0.0-rc.1", PEP 440 "1.0rc1" or "1.0.dev1", Maven
     * "1.0-beta-1" or a snapshot).
     */
    boolean preRelease(String version);
}
