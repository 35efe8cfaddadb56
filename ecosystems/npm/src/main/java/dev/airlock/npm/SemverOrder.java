package dev.airlock.npm;

import dev.airlock.core.ecosystem.VersionOrder;

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

    /*
     * Parsed by hand, without split, streams or BigInteger: the policy sorts every version of a
     * package several times per decision, and a package such as typescript lists thousands, most
     * of them pre-releases of a few cores. Only ASCII digits are numeric, as semver says.
     */
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
        // Identifier by identifier (§11.4); a longer list of equal identifiers is higher.
        int i = 0;
        int j = 0;
        while (i <= pa.length() && j <= pb.length()) {
            int ie = pa.indexOf('.', i);
            int je = pb.indexOf('.', j);
            ie = ie < 0 ? pa.length() : ie;
            je = je < 0 ? pb.length() : je;
            int c = compareIdentifier(pa, i, ie, pb, j, je);
            if (c != 0) {
                return c;
            }
            i = ie + 1;
            j = je + 1;
        }
        boolean aMore = i <= pa.length();
        boolean bMore = j <= pb.length();
        return aMore == bMore ? 0 : aMore ? 1 : -1;
    }

    /** Numeric identifiers compare as numbers and below alphanumeric ones, which compare as ASCII. */
    private static int compareIdentifier(String a, int as, int ae, String b, int bs, int be) {
        boolean na = numeric(a, as, ae);
        boolean nb = numeric(b, bs, be);
        if (na != nb) {
            return na ? -1 : 1;
        }
        if (na) {
            while (as < ae - 1 && a.charAt(as) == '0') {
                as++;
            }
            while (bs < be - 1 && b.charAt(bs) == '0') {
                bs++;
            }
            if (ae - as != be - bs) {
                return Integer.compare(ae - as, be - bs);
            }
        }
        int n = Math.min(ae - as, be - bs);
        for (int k = 0; k < n; k++) {
            int c = Character.compare(a.charAt(as + k), b.charAt(bs + k));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(ae - as, be - bs);
    }

    private static boolean numeric(String s, int from, int to) {
        if (from >= to) {
            return false;
        }
        for (int k = from; k < to; k++) {
            char c = s.charAt(k);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static String stripBuild(String v) {
        int plus = v.indexOf('+');
        return plus < 0 ? v : v.substring(0, plus);
    }

    /** Major, minor and patch, or null when the version is not semver (each at most 18 digits). */
    private static long[] core(String v) {
        int end = v.indexOf('+');
        end = end < 0 ? v.length() : end;
        int start = v.startsWith("v") ? 1 : 0;
        int dash = v.indexOf('-', start);
        if (dash >= 0 && dash < end) {
            end = dash;
        }
        long[] out = new long[3];
        int part = 0;
        long value = 0;
        int digits = 0;
        for (int i = start; i <= end; i++) {
            if (i == end || v.charAt(i) == '.') {
                if (digits == 0 || part == 3) {
                    return null;
                }
                out[part++] = value;
                value = 0;
                digits = 0;
            } else {
                char c = v.charAt(i);
                if (c < '0' || c > '9' || ++digits > 18) {
                    return null;
                }
                value = value * 10 + (c - '0');
            }
        }
        return part == 3 ? out : null;
    }

    private static String pre(String v) {
        String s = stripBuild(v);
        int dash = s.indexOf('-');
        return dash < 0 ? null : s.substring(dash + 1);
    }
}
