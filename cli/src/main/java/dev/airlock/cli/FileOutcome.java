package dev.airlock.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.core.ecosystem.LockedArtifact;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How prefetching one file ended (cached, held with the verdict and its reasons, or failed with
 * why), and its one-line description.
 *
 * @param path    the file's path below the mount (or the metadata path when the file could not be named)
 * @param message why it failed, or the one-line summary of a hold
 */
record FileOutcome(LockedArtifact artifact, String path, Status status, String message, String verdict, List<String> reasons,
                   String releaseId) {

    /** How one file ended. */
    enum Status { CACHED, HELD, FAILED }

    static FileOutcome cached(LockedArtifact a, String path) {
        return new FileOutcome(a, path, Status.CACHED, null, null, List.of(), null);
    }

    static FileOutcome failed(LockedArtifact a, String path, String why) {
        return new FileOutcome(a, path, Status.FAILED, why, null, List.of(), null);
    }

    /** From a 403 body ({@code {"verdict","reasons":[...],"releaseId"}}) or the admin API's view of a version ({@code "id"}). */
    static FileOutcome held(LockedArtifact a, String path, JsonNode body) {
        List<String> reasons = new ArrayList<>();
        body.path("reasons").forEach(r -> reasons.add(r.asText()));
        if (reasons.isEmpty() && body.hasNonNull("error")) {
            reasons.add(body.get("error").asText());
        }
        return new FileOutcome(a, path, Status.HELD, null, body.path("verdict").asText("HELD"), List.copyOf(reasons),
                body.path("releaseId").asText(body.path("id").asText(null)));
    }

    String line() {
        String what = artifact.ecosystem() + " " + artifact.name() + " " + artifact.version() + " " + (path.equals(artifact.metadataPath())
                ? path.replaceFirst("\\?.*", "") : path.substring(path.lastIndexOf('/') + 1));
        return switch (status) {
            case CACHED -> what + ": cached";
            case HELD -> what + ": " + (verdict.equals("QUARANTINED") ? "held" : verdict.toLowerCase(Locale.ROOT)) + ": "
                    + String.join("; ", reasons)
                    + (releaseId == null ? "" : " (release " + releaseId + ")");
            case FAILED -> what + ": failed: " + message;
        };
    }
}
