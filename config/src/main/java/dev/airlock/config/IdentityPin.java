package dev.airlock.config;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Who may build a package: a release of a matching package whose signed provenance names another
 * source repository, workflow or ref is held, and so is one without provenance. This is what
 * makes valid provenance mean something: a release from a fork, or from the right repository's
 * other workflow, signs as a different identity.
 *
 * @param packages   which packages, in the allow/deny form without a version ({@code npm:@acme/*})
 * @param repository the source repository URL the build must run for, or null for any
 * @param workflow   the workflow path inside it ({@code .github/workflows/release.yml}), or null
 * @param ref        a regular expression the git ref must match in full ({@code refs/tags/v.*}), or null
 */
public record IdentityPin(String packages, String repository, String workflow, Pattern ref) {

    public IdentityPin {
        Objects.requireNonNull(packages, "packages");
    }
}
