package dev.airlock.core.policy;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One thing a check found about a release.
 *
 * @param check    which check ("install-hooks", "publisher", "age", "namespace", "deny", "allow")
 * @param holds    whether it holds the release (else it is a note kept with the verdict)
 * @param message  one line for people and clients
 * @param evidence what it is based on (the script text, the publisher before and after, the ages)
 */
public record Finding(String check, boolean holds, String message, Map<String, String> evidence) {

    public Finding {
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(message, "message");
        evidence = Map.copyOf(new TreeMap<>(evidence));
    }

    static Finding hold(String check, String message, Map<String, String> evidence) {
        return new Finding(check, true, message, evidence);
    }

    static Finding note(String check, String message, Map<String, String> evidence) {
        return new Finding(check, false, message, evidence);
    }
}
