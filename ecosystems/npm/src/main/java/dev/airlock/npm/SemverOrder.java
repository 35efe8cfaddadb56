package dev.airlock.npm;

import dev.airlock.core.ecosystem.VersionOrder;

import java.math.BigInteger;

/**
 * Semantic-version precedence (semver 2.0.0 §11), enough to pick which visible version a
 * dist-tag should point at and which release the policy compares another with. Strings that are
 * not semver sort before those that are.
 */
final class SemverOrder implements VersionOrder {

    static final SemverOrder INSTANCE = new SemverOrder();

    private SemverOrder() {
    }

    /** Whether the version has a pre-release part ("1.0.0-beta.1"). */
    static boolean isPrerelease(String v) {
        String core = stripBuild(v);
        return core.indexOf('-') >= 0;
    }

    @Override
    public boolean preRelease(String version) {
        return isPrerelease(version);
    }

    @Override
    public int compare(String a, String b) {
        long[] ca = core(a);
        long[] cb = core(b);
        if (ca == null || cb == null) {
            return ca == null ? (cb == null ? a.compareTo(b) : -1) : 1;
        }
        for (int i = 0; i < 3; i++) {
            int c = Long.compare(ca[i], cb[i]);
            if (c != 0) {
                return c;
            }
        }
        String pa = pre(a);
        String pb = pre(b);
        if (pa == null || pb == null) {
            return pa == null ? (pb == null ? 0 : 1) : -1;
        }
        String[] xa = pa.split("\\.");
        String[] xb = pb.split("\\.");
        for (int i = 0; i < Math.min(xa.length, xb.length); i++) {
            boolean na = xa[i].chars().allMatch(Character::isDigit) && !xa[i].isEmpty();
            boolean nb = xb[i].chars().allMatch(Character::isDigit) && !xb[i].isEmpty();
            int c;
            if (na && nb) {
                c = new BigInteger(xa[i]).compareTo(new BigInteger(xb[i]));
            } else if (na != nb) {
                c = na ? -1 : 1;
            } else {
                c = xa[i].compareTo(xb[i]);
            }
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(xa.length, xb.length);
    }

    private static String stripBuild(String v) {
        int plus = v.indexOf('+');
        return plus < 0 ? v : v.substring(0, plus);
    }

    private static long[] core(String v) {
        String s = stripBuild(v);
        if (s.startsWith("v")) {
            s = s.substring(1);
        }
        int dash = s.indexOf('-');
        String[] p = (dash < 0 ? s : s.substring(0, dash)).split("\\.");
        if (p.length != 3) {
            return null;
        }
        long[] out = new long[3];
        for (int i = 0; i < 3; i++) {
            if (p[i].isEmpty() || p[i].length() > 18 || !p[i].chars().allMatch(Character::isDigit)) {
                return null;
            }
            out[i] = Long.parseLong(p[i]);
        }
        return out;
    }

    private static String pre(String v) {
        String s = stripBuild(v);
        int dash = s.indexOf('-');
        return dash < 0 ? null : s.substring(dash + 1);
    }
}
