package dev.airlock.config;

/**
 * Which releases with install-time scripts the policy holds. YAML values: {@code new},
 * {@code strict}, {@code all}, {@code off}.
 */
public enum InstallHooks {
    /**
     * Hold a release that adds an install script its previous version did not have, or changes
     * one; moving from one well-known native-build command to another (node-gyp, node-gyp-build,
     * prebuild-install, node-pre-gyp, cmake-js) is only noted.
     */
    NEW,
    /** As {@link #NEW}, but a move between well-known native-build commands is held too. */
    STRICT,
    /** Hold every release that has an install script. */
    ALL,
    /** Install scripts do not affect the verdict. */
    OFF
}
