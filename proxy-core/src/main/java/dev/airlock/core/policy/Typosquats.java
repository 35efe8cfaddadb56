package dev.airlock.core.policy;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Names one edit away from a popular package of the same ecosystem (one letter added, removed,
 * changed, or two neighbours swapped; '-', '_' and '.' count as the same), the shape of most
 * typosquats. Popular names shorter than five characters are not compared: too many honest
 * names are one edit from them.
 */
public final class Typosquats {

    static final int MIN_LENGTH = 5;
    private final Map<String, Set<String>> popular;
    /**
     * Answers by ecosystem and name: the engine asks once per release, a package lists hundreds,
     * and each answer scans every popular name of the ecosystem.
     */
    private final Cache<String, Optional<String>> answers = Caffeine.newBuilder().maximumSize(50_000).build();

    /** @param popular each ecosystem's popular package names, as its module ships them */
    public Typosquats(Map<String, Set<String>> popular) {
        Map<String, Set<String>> normalized = new HashMap<>();
        popular.forEach((eco, names) -> normalized.put(eco, Set.copyOf(names.stream().map(Typosquats::normalize).toList())));
        this.popular = normalized;
    }

    /** The popular name this one imitates, or null. */
    public String imitates(String ecosystem, String name) {
        return answers.get(ecosystem + "\0" + name, k -> Optional.ofNullable(scan(ecosystem, name))).orElse(null);
    }

    private String scan(String ecosystem, String name) {
        Set<String> names = popular.getOrDefault(ecosystem, Set.of());
        String n = normalize(name);
        if (names.contains(n)) {
            return null;
        }
        for (String p : names) {
            if (p.length() >= MIN_LENGTH && Math.abs(p.length() - n.length()) <= 1 && oneEdit(n, p)) {
                return p;
            }
        }
        return null;
    }

    static String normalize(String name) {
        return name.toLowerCase(Locale.ROOT).replace('_', '-').replace('.', '-');
    }

    /** Damerau distance exactly one (the strings differ). */
    static boolean oneEdit(String a, String b) {
        if (a.equals(b)) {
            return false;
        }
        if (a.length() == b.length()) {
            int first = -1;
            int diffs = 0;
            for (int i = 0; i < a.length(); i++) {
                if (a.charAt(i) != b.charAt(i)) {
                    if (diffs++ == 0) {
                        first = i;
                    }
                }
            }
            if (diffs == 1) {
                return true;
            }
            return diffs == 2 && first + 1 < a.length() && a.charAt(first) == b.charAt(first + 1) && a.charAt(first + 1) == b.charAt(first)
                    && a.substring(first + 2).equals(b.substring(first + 2));
        }
        String longer = a.length() > b.length() ? a : b;
        String shorter = a.length() > b.length() ? b : a;
        for (int i = 0; i < longer.length(); i++) {
            if ((longer.substring(0, i) + longer.substring(i + 1)).equals(shorter)) {
                return true;
            }
        }
        return false;
    }

    static Typosquats none() {
        return new Typosquats(Map.of());
    }

    /** For tests and tools: whether two names are one edit apart. */
    public static boolean oneEditApart(String a, String b) {
        return oneEdit(normalize(a), normalize(b));
    }
}
