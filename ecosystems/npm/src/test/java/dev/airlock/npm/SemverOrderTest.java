package dev.airlock.npm;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SemverOrderTest {

    private static final SemverOrder ORDER = SemverOrder.INSTANCE;

    @Test
    void precedenceFollowsTheSpecsExample() {
        // semver 2.0.0 §11.4, in ascending order.
        List<String> ascending = List.of("1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
                "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.1.0", "2.0.0");
        for (int i = 0; i < ascending.size(); i++) {
            for (int j = 0; j < ascending.size(); j++) {
                assertEquals(Integer.signum(Integer.compare(i, j)), Integer.signum(ORDER.compare(ascending.get(i), ascending.get(j))),
                        ascending.get(i) + " vs " + ascending.get(j));
            }
        }
    }

    @Test
    void buildMetadataAndAVPrefixDoNotCountAndNonSemverSortsFirst() {
        assertEquals(0, ORDER.compare("1.2.3+build.5", "1.2.3"));
        assertEquals(0, ORDER.compare("v1.2.3", "1.2.3"));
        assertTrue(ORDER.compare("not-a-version", "0.0.1") < 0);
        assertTrue(ORDER.compare("1.2", "0.0.1") < 0, "two parts are not semver");
        assertTrue(ORDER.compare("1.2.3.4", "0.0.1") < 0, "four parts are not semver");
        assertTrue(ORDER.compare("5.4.0-dev.20240110", "5.4.0-dev.20240109") > 0);
        assertTrue(ORDER.compare("1.0.0-99999999999999999999", "1.0.0-100000000000000000000") < 0, "beyond a long");
        assertTrue(ORDER.preRelease("1.0.0-rc.1"));
        assertFalse(ORDER.preRelease("1.0.0+build-5"));
    }

    /** The hand-written parser orders every pair as the plain reading of the spec below does. */
    @Test
    void agreesWithAPlainReadingOfTheSpecOnRandomVersions() {
        Random random = new Random(16);
        List<String> versions = new ArrayList<>();
        String[] words = {"alpha", "beta", "rc", "dev", "next", "0", "1", "2", "10", "11", "20240101", "x-y"};
        for (int i = 0; i < 400; i++) {
            StringBuilder v = new StringBuilder();
            v.append(random.nextInt(3)).append('.').append(random.nextInt(3)).append('.').append(random.nextInt(3));
            if (random.nextBoolean()) {
                v.append('-');
                int ids = 1 + random.nextInt(3);
                for (int k = 0; k < ids; k++) {
                    v.append(k == 0 ? "" : ".").append(words[random.nextInt(words.length)]);
                }
            }
            if (random.nextInt(5) == 0) {
                v.append("+b").append(random.nextInt(9));
            }
            versions.add(v.toString());
        }
        for (String a : versions) {
            for (String b : versions) {
                assertEquals(Integer.signum(reference(a, b)), Integer.signum(ORDER.compare(a, b)), a + " vs " + b);
            }
        }
    }

    /** Semver precedence written plainly (split and BigInteger), for valid versions only. */
    private static int reference(String a, String b) {
        String[] sa = a.split("\\+")[0].split("-", 2);
        String[] sb = b.split("\\+")[0].split("-", 2);
        String[] ca = sa[0].split("\\.");
        String[] cb = sb[0].split("\\.");
        for (int i = 0; i < 3; i++) {
            int c = Long.compare(Long.parseLong(ca[i]), Long.parseLong(cb[i]));
            if (c != 0) {
                return c;
            }
        }
        if (sa.length == 1 || sb.length == 1) {
            return Integer.compare(sa.length == 1 ? 1 : 0, sb.length == 1 ? 1 : 0);
        }
        String[] xa = sa[1].split("\\.");
        String[] xb = sb[1].split("\\.");
        for (int i = 0; i < Math.min(xa.length, xb.length); i++) {
            boolean na = xa[i].matches("[0-9]+");
            boolean nb = xb[i].matches("[0-9]+");
            int c = na && nb ? new BigInteger(xa[i]).compareTo(new BigInteger(xb[i])) : na != nb ? (na ? -1 : 1) : xa[i].compareTo(xb[i]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(xa.length, xb.length);
    }
}
