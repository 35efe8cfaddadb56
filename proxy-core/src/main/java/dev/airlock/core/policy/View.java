package dev.airlock.core.policy;

import java.time.Instant;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Which versions and files a rendering of a package's metadata may list, until when that answer
 * holds (an age hold ends), and why the held versions clients would have picked are held.
 */
public record View(Predicate<String> visible, Instant validUntil, Map<String, String> held, Predicate<String> files) {

    /** Everything listed (audit mode, or nothing decided). */
    public static final View ALL = new View(v -> true, Instant.MAX, Map.of(), f -> true);
}
