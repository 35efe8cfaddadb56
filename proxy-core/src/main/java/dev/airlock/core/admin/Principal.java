package dev.airlock.core.admin;

/** Who is calling: a token's name and role. */
public record Principal(String name, Role role) {
}
