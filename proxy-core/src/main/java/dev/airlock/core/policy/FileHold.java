package dev.airlock.core.policy;

import dev.airlock.core.store.FileObservation;
import dev.airlock.core.store.Observations;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * A file added to a release after Airlock first saw the package (a new wheel uploaded to an
 * old release, as a stolen token allows): young files are held even when their release is
 * old, until the file itself comes of age.
 */
record FileHold(String version, Instant heldUntil, String reason) {

    /**
     * Files first listed after the package was first seen, and younger than the minimum age:
     * only ecosystems that record listed files (PyPI) have any.
     */
    static Map<String, FileHold> of(Observations state, Duration minimum, String ecosystem, String pkg, Instant now) {
        if (minimum.isZero()) {
            return Map.of();
        }
        Map<String, FileObservation> seen = state.observedFiles(ecosystem, pkg);
        Instant first = seen.values().stream().map(FileObservation::firstSeen).min(Instant::compareTo).orElse(null);
        if (first == null) {
            return Map.of();
        }
        Map<String, FileHold> out = new HashMap<>();
        for (FileObservation o : seen.values()) {
            Instant until = o.firstSeen().plus(minimum);
            // Later than the first sighting (a minute's slack for the first page's own writes) and still young.
            if (o.firstSeen().isAfter(first.plusSeconds(60)) && now.isBefore(until)) {
                out.put(o.filename(), new FileHold(versionOf(o.filename()), until, "added after Airlock first saw the project "
                        + "(first seen " + o.firstSeen() + "), younger than policy.minimumReleaseAge; released at " + until));
            }
        }
        return Map.copyOf(out);
    }

    /** The version part of a distribution file name ("name-1.2-py3-none-any.whl" to "1.2"), as far as it can tell. */
    private static String versionOf(String filename) {
        String[] parts = filename.split("-");
        return parts.length > 1 ? parts[1].replaceAll("\\.(tar\\.gz|zip|whl)$", "") : filename;
    }
}
