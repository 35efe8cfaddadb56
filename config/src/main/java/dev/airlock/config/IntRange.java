package dev.airlock.config;

/** An inclusive range of allowed integers, shared by the records (which throw) and the loader (which names the key). */
record IntRange(int min, int max) {

    boolean contains(long value) {
        return value >= min && value <= max;
    }

    String describe() {
        return "an integer from " + min + " to " + max;
    }

    int check(String what, int value) {
        if (!contains(value)) {
            throw new IllegalArgumentException(what + ": out of range: got '" + value + "'; allowed: " + describe());
        }
        return value;
    }
}
