package dev.airlock.config;

/** Whether policy verdicts block clients or are only recorded. YAML values: {@code enforce}, {@code audit}. */
public enum PolicyMode {
    /** Releases the policy holds are kept from clients. */
    ENFORCE,
    /** Every verdict is recorded, nothing is blocked: for trying a policy out on live traffic. */
    AUDIT
}
