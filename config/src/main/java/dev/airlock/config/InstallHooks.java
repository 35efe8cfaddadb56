package dev.airlock.config;

/** Which releases with install-time scripts the policy holds. YAML values: {@code new}, {@code all}, {@code off}. */
public enum InstallHooks {
    /** Hold a release that adds an install script its previous version did not have. */
    NEW,
    /** Hold every release that has an install script. */
    ALL,
    /** Install scripts do not affect the verdict. */
    OFF
}
