package dev.airlock.core.admin;

import java.util.Locale;

/** What a token may do; each role may do everything the ones before it may. */
public enum Role {
    /** Reads the queue, the evidence, the packages, the rules and the audit log. */
    VIEWER,
    /** Also releases, rejects and re-evaluates held releases. */
    APPROVER,
    /** Also adds and removes rules and manages tokens. */
    ADMIN;

    public boolean allows(Role needed) {
        return ordinal() >= needed.ordinal();
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses "viewer", "approver", "admin"; IllegalArgumentException naming the choices otherwise. */
    public static Role of(String id) {
        for (Role r : values()) {
            if (r.id().equals(id)) {
                return r;
            }
        }
        throw new IllegalArgumentException("role must be viewer, approver or admin, not " + id);
    }
}
