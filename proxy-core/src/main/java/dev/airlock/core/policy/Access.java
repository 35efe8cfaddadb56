package dev.airlock.core.policy;

/** What is known in memory about one release: allowed, blocked, or not known without I/O. */
public sealed interface Access {
    record Allowed() implements Access {
    }

    record Blocked(Block block) implements Access {
    }

    record Unknown() implements Access {
    }
}
