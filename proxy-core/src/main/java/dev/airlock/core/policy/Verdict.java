package dev.airlock.core.policy;

/** What the policy decided for a release. */
public enum Verdict {
    /** Clients may have it. */
    APPROVED,
    /** Held: hidden from metadata and refused, until a person or its coming of age releases it. */
    QUARANTINED,
    /** Kept out for good (a deny rule or a person's rejection). */
    DENIED
}
