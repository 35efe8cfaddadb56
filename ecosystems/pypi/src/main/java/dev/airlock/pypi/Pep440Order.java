package dev.airlock.pypi;

import dev.airlock.core.ecosystem.VersionOrder;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEP 440 version order, as pip's {@code packaging} compares versions: epoch, release (trailing
 * zeros ignored), then pre-release, post-release, development release and local label, where a
 * development release of a plain release ("1.0.dev1") sorts before its pre-releases. Spellings
 * are read as the PEP normalises them ("1.0-ALPHA.1" is "1.0a1", "1.0-1" is "1.0.post1").
 * Strings that are not PEP 440 sort before those that are, by their text, as no installer
 * would pick them.
 */
final class Pep440Order implements VersionOrder {

    static final Pep440Order INSTANCE = new Pep440Order();

    // PEP 440 Appendix B, the canonical regular expression.
    private static final Pattern VERSION = Pattern.compile(
            "v?(?:(\\d+)!)?(\\d+(?:\\.\\d+)*)"
                    + "(?:[-_.]?(a|b|c|rc|alpha|beta|pre|preview)[-_.]?(\\d+)?)?"
                    + "(?:-(\\d+)|[-_.]?(post|rev|r)[-_.]?(\\d+)?)?"
                    + "(?:[-_.]?(dev)[-_.]?(\\d+)?)?"
                    + "(?:\\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?");

    private Pep440Order() {
    }

    /** A parsed version; null fields are absent segments. */
    private record Parsed(BigInteger epoch, List<BigInteger> release, int preRank, BigInteger pre, BigInteger post, BigInteger dev,
                          String[] local) {
    }

    private static Parsed parse(String version) {
        Matcher m = VERSION.matcher(version.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return null;
        }
        List<BigInteger> release = new ArrayList<>();
        for (String part : m.group(2).split("\\.")) {
            release.add(new BigInteger(part));
        }
        while (release.size() > 1 && release.get(release.size() - 1).signum() == 0) {
            release.remove(release.size() - 1);
        }
        int preRank = -1;
        BigInteger pre = null;
        if (m.group(3) != null) {
            preRank = switch (m.group(3)) {
                case "a", "alpha" -> 0;
                case "b", "beta" -> 1;
                default -> 2; // c, rc, pre, preview
            };
            pre = number(m.group(4));
        }
        BigInteger post = m.group(5) != null ? new BigInteger(m.group(5)) : m.group(6) != null ? number(m.group(7)) : null;
        BigInteger dev = m.group(8) != null ? number(m.group(9)) : null;
        String[] local = m.group(10) == null ? null : m.group(10).split("[-_.]");
        return new Parsed(m.group(1) == null ? BigInteger.ZERO : new BigInteger(m.group(1)), release, preRank, pre, post, dev, local);
    }

    private static BigInteger number(String digits) {
        return digits == null ? BigInteger.ZERO : new BigInteger(digits);
    }

    @Override
    public boolean preRelease(String version) {
        Parsed p = parse(version);
        return p != null && (p.preRank >= 0 || p.dev != null);
    }

    @Override
    public int compare(String a, String b) {
        Parsed x = parse(a);
        Parsed y = parse(b);
        if (x == null || y == null) {
            return x == null ? (y == null ? a.compareTo(b) : -1) : 1;
        }
        int c = x.epoch.compareTo(y.epoch);
        if (c != 0) {
            return c;
        }
        for (int i = 0; i < Math.max(x.release.size(), y.release.size()); i++) {
            c = part(x.release, i).compareTo(part(y.release, i));
            if (c != 0) {
                return c;
            }
        }
        c = Integer.compare(preKey(x), preKey(y));
        if (c == 0 && x.pre != null) {
            c = x.pre.compareTo(y.pre);
        }
        if (c != 0) {
            return c;
        }
        c = absent(x.post, y.post, -1);
        if (c != 0) {
            return c;
        }
        c = absent(x.dev, y.dev, 1);
        if (c != 0) {
            return c;
        }
        return local(x.local, y.local);
    }

    /** Rank of the pre-release segment: a bare dev release lowest, then a, b, rc, then none. */
    private static int preKey(Parsed p) {
        if (p.preRank >= 0) {
            return p.preRank;
        }
        return p.post == null && p.dev != null ? -1 : 3;
    }

    private static BigInteger part(List<BigInteger> release, int i) {
        return i < release.size() ? release.get(i) : BigInteger.ZERO;
    }

    /**
     * By value, an absent segment sorting first (a post-release) or last (a development release).
     *
     * @param absent the sign of an absent segment against a present one
     */
    private static int absent(BigInteger a, BigInteger b, int absent) {
        if (a == null || b == null) {
            return a == null ? (b == null ? 0 : absent) : -absent;
        }
        return a.compareTo(b);
    }

    /** No local label sorts first; numeric parts sort above alphanumeric ones, a longer label above its prefix. */
    private static int local(String[] a, String[] b) {
        if (a == null || b == null) {
            return a == null ? (b == null ? 0 : -1) : 1;
        }
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            boolean na = a[i].chars().allMatch(Character::isDigit);
            boolean nb = b[i].chars().allMatch(Character::isDigit);
            int c = na && nb ? new BigInteger(a[i]).compareTo(new BigInteger(b[i])) : na != nb ? (na ? 1 : -1) : a[i].compareTo(b[i]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.length, b.length);
    }
}
