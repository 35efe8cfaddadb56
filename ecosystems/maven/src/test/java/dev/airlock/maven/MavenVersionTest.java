package dev.airlock.maven;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every expectation here is Maven 3.9's own answer ({@code ComparableVersion}), including the
 * places where that answer is surprising, because clients pick versions by Maven's order and
 * the proxy must agree with them, not with intuition.
 */
class MavenVersionTest {

    /**
     * Chains in strictly increasing order; every pair in a chain is checked both ways. Most are
     * the examples of the "Version Order Specification" in Maven's POM reference, written as
     * Maven actually orders them (the page once claimed "1-1" = "1.1" and "1-ga-1" = "1-1";
     * both are in fact ordered, as below).
     */
    private static final List<List<String>> ASCENDING = List.of(
            // Padding with zeros: a shorter version is compared as if extended.
            List.of("1", "1.1"),
            // A missing qualifier counts as a release: pre-releases below, "sp" above.
            List.of("1-snapshot", "1", "1-sp"),
            // Digits after letters start a new numeric item, compared numerically.
            List.of("1-foo2", "1-foo10"),
            // A qualifier loses to a number, and a '-' item to a '.' item.
            List.of("1.foo", "1-1", "1.1"),
            List.of("1-ga", "1-sp"),
            List.of("1-ga.1", "1-sp.1"),
            // "ga" vanishes before a '-' but not before a '.': "1-ga-1" is not "1-ga.1".
            List.of("1-sp-1", "1-ga-1", "1-1"),
            // The well-known qualifiers, then any unknown word.
            List.of("1-alpha-1", "1-beta-1", "1-milestone-1", "1-rc-1", "1-snapshot", "1", "1-sp", "1-abc"),
            // Unknown qualifiers: after the known ones, in lexical order.
            List.of("1-sp123", "1-abc", "1-def", "1-pom-1"),
            List.of("5.aardvark", "5.zebra"),
            List.of("1.K", "1.7"),
            // A non-Latin letter is just an unknown word, so it sorts after "b".
            List.of("1.b", "1.\u03b1"),
            List.of("33.4.8", "33.4.8-android", "33.4.8-jre", "33.5.0-android"),
            // From the everyday qualifier ladder down to plain numbers.
            List.of("1.0-alpha-1", "1.0-alpha-2", "1.0-beta-1", "1.0-SNAPSHOT", "1.0"),
            List.of("1.0-alpha-1-SNAPSHOT", "1.0-alpha-1"),
            List.of("1.0", "1.0-1", "1.0-2", "1.0.1"),
            List.of("1.0-sp", "1.0.1"),
            List.of("2.0-1", "2.0.1"),
            List.of("2.0.1", "2.0.1-klm", "2.0.1-lmn", "2.0.1-xyz", "2.0.1-123"),
            List.of("1", "1.5", "2", "2.5"),
            List.of("1.0.0", "1.0.1", "1.1", "1.2", "1.2.0.1", "1.10"),
            // Pre-releases of the same number, as libraries actually spell them.
            List.of("2.0.0-M1", "2.0.0-M2", "2.0.0-RC1", "2.0.0-RC2", "2.0.0"),
            List.of("1.0.0-RC2", "1.0.0", "1.0.1-RC1"),
            List.of("5.0.0.Alpha2", "5.0.0.Beta1", "5.0.0.CR1", "5.0.0.Final", "5.0.1"),
            List.of("4.2.20.Final", "5.0.0.Alpha2"),
            List.of("1.0-beta-2", "1.0-beta-10", "1.0-m1", "1.0-RC1"),
            List.of("1-alpha2snapshot", "1-alpha2", "1-alpha-123", "1-beta-2", "1-beta123"),
            List.of("2.0", "2.0.a", "2-1", "2.0.2", "2.1.0", "2.1-a", "2.1b", "2.1-c", "2.1-1", "2.1.0.1", "2.2"),
            List.of("11.a2", "11.a11", "11.b2", "11.m11", "11", "11.a", "11b", "11c", "11m"),
            // An odd letter in the middle ("6.1H") must not break transitivity.
            List.of("6.1.0rc3", "6.1.0", "6.1H.5-beta"),
            // Numbers of any length compare by value.
            List.of("20030203.000129", "1234567890.12345", "123456789012345.1", "12345678901234567890.1"),
            List.of("1.999999999", "1.1000000000", "1.999999999999999999", "1.1000000000000000000"),
            // MNG-6964: a qualifier after "-0." keeps the version below the release.
            List.of("1-0.alpha", "1-0.beta", "1"),
            // A bare word is below every number except zero.
            List.of("0", "abc", "1"));

    /** Groups of spellings of one version. */
    private static final List<List<String>> EQUAL = List.of(
            List.of("1", "1.0", "1.0.0", "1-0", "1.0-0", "1.ga", "1-ga", "1.final", "1.release", "1GA", "1FINAL", "1.0.0.0.0"),
            List.of("1a", "1-a", "1.0-a", "1.0.0-a", "1.0a"),
            List.of("1x", "1-x", "1.0-x", "1.0.0x", "1X"),
            List.of("1cr", "1rc", "1-RC", "1Cr"),
            List.of("1-a1", "1-alpha-1", "1a1", "1-ALPHA1", "1.0-alpha1", "1.0.0.a1"),
            List.of("1b2", "1-beta-2", "1-BETA2"),
            List.of("1m3", "1-milestone-3", "1MileStone3"),
            List.of("1.0RC1", "1.0-rc-1", "1.0.rc1", "1.0-CR1", "1.0-cr-1", "1-rc1", "1.0.0-RC-1"),
            List.of("1.0-SNAPSHOT", "1-snapshot", "1.0.0-SNAPSHOT", "1.0snapshot"),
            List.of("4.2.20.Final", "4.2.20", "4.2.20.0", "4.2.20.GA", "4.2.20.RELEASE"),
            List.of("1.foo", "1-foo", "1.0.foo", "1.0-foo", "1-FOO"),
            List.of("2-abc", "2.0.abc", "2.0.0.abc"),
            List.of("1.01", "1.1", "1.001.0"),
            List.of("1..2", "1.0.2"),
            List.of("1-abcdefghijklmnopqrstuvwxyz", "1-ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
            // Nothing at all is version zero.
            List.of("", "0", "-", "..", "0.0-0"));

    /** Canonical forms, as ComparableVersion.getCanonical prints them. */
    private static final List<List<String>> CANONICAL = List.of(
            List.of("1.0", "1"),
            List.of("1.0.0", "1"),
            List.of("1.0-alpha-1", "1-alpha-1"),
            List.of("1.0RC1", "1-rc-1"),
            List.of("1.0-CR1", "1-rc-1"),
            List.of("1-a1", "1-alpha-1"),
            List.of("4.2.20.Final", "4.2.20"),
            List.of("5.0.0.Alpha2", "5-alpha-2"),
            List.of("1.0-beta-2", "1-beta-2"),
            List.of("2.0.0-M1", "2-milestone-1"),
            List.of("1.0.0-RC2", "1-rc-2"),
            List.of("20030203.000129", "20030203.129"),
            List.of("1.2.3-jre", "1.2.3-jre"),
            List.of("33.4.8-android", "33.4.8-android"),
            List.of("1.0-SNAPSHOT", "1-snapshot"),
            List.of("1.foo", "1-foo"),
            List.of("1..2", "1.0.2"),
            List.of("", ""));

    /** About thirty versions of one imaginary artifact, oldest first. */
    private static final List<String> SORTED = List.of(
            "1.0-alpha-1",
            "1.0a2",
            "1.0-beta-2",
            "1.0-M1",
            "1.0-RC1",
            "1.0-cr2",
            "1.0-SNAPSHOT",
            "1.0",
            "1.0-sp-1",
            "1.0.1",
            "1.2.3",
            "1.2.3-android",
            "1.2.3-jre",
            "1.2.4-SNAPSHOT",
            "1.2.4",
            "1.10",
            "2.0.0-M1",
            "2.0.0-RC1",
            "2.0.0-RC2",
            "2.0.0",
            "2.0.0-1",
            "2.0.1",
            "4.2.20.Final",
            "5.0.0.Alpha2",
            "5.0.0.Beta1",
            "5.0.0.CR1",
            "5.0.0.Final",
            "5.0.1",
            "10.0",
            "33.4.8-android",
            "33.4.8-jre",
            "33.5.0-android",
            "20030203.000129",
            "12345678901234567890");

    @TestFactory
    Stream<DynamicTest> orderedChains() {
        return ASCENDING.stream().map(chain -> dynamicTest(String.join(" < ", chain), () -> {
            for (int i = 0; i < chain.size(); i++) {
                for (int j = i + 1; j < chain.size(); j++) {
                    assertBefore(chain.get(i), chain.get(j));
                }
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> equalSpellings() {
        return EQUAL.stream().map(group -> dynamicTest(String.join(" = ", group), () -> {
            for (String a : group) {
                for (String b : group) {
                    assertEquivalent(a, b);
                }
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> canonicalForms() {
        return CANONICAL.stream().map(pair -> dynamicTest(
                "\"" + pair.get(0) + "\" -> \"" + pair.get(1) + "\"", () -> {
                    MavenVersion v = MavenVersion.parse(pair.get(0));
                    assertEquals(pair.get(1), v.canonical());
                    // The canonical form is itself a spelling of the same version.
                    MavenVersion again = MavenVersion.parse(v.canonical());
                    assertEquals(v.canonical(), again.canonical());
                    assertEquivalent(pair.get(0), v.canonical());
                }));
    }

    @Test
    void casesSpelledOutInTheBrief() {
        assertEquivalent("1.0", "1");
        assertEquivalent("1", "1.0.0");
        assertEquivalent("1-0", "1");
        assertBefore("1.0-SNAPSHOT", "1.0");
        assertBefore("1.0-alpha-1", "1.0");
        assertBefore("1.0", "1.0-sp");
        assertBefore("1.0-sp", "1.0.1");
        assertEquivalent("1.0RC1", "1.0-rc-1");
        assertEquivalent("1.0-rc-1", "1.0.rc1");
        assertBefore("4.2.20.Final", "5.0.0.Alpha2");
        assertBefore("1.2.3", "1.2.3-jre");
        assertBefore("33.4.8-android", "33.4.8-jre");
    }

    @Test
    void sortsAShuffledListIntoMavenOrder() {
        for (long seed = 0; seed < 20; seed++) {
            List<String> shuffled = new ArrayList<>(SORTED);
            Collections.shuffle(shuffled, new Random(seed));

            List<String> byComparator = new ArrayList<>(shuffled);
            byComparator.sort(MavenVersion.ORDER);
            assertEquals(SORTED, byComparator, "seed " + seed);

            List<String> byNaturalOrder = shuffled.stream()
                    .map(MavenVersion::parse)
                    .sorted()
                    .map(MavenVersion::toString)
                    .toList();
            assertEquals(SORTED, byNaturalOrder, "seed " + seed);
        }
    }

    @Test
    void highestReleaseSkipsSnapshots() {
        // The <release> of maven-metadata.xml: the highest version that is not a snapshot, even
        // when snapshots (plain or timestamped) sort above it.
        List<String> listed = List.of("1.0", "1.1-SNAPSHOT", "1.1-RC1", "1.1", "1.2-SNAPSHOT",
                "1.2-20240101.120000-3", "1.0.1");
        assertEquals("1.1", listed.stream()
                .filter(v -> MavenVersion.parse(v).isRelease())
                .max(MavenVersion.ORDER)
                .orElseThrow());
        assertEquals("1.2-20240101.120000-3", listed.stream().max(MavenVersion.ORDER).orElseThrow());
    }

    @Test
    void equalsAndHashCodeFollowTheOrder() {
        MavenVersion a = MavenVersion.parse("1.0.0.Final");
        MavenVersion b = MavenVersion.parse("1");
        assertEquals(a, b);
        assertEquals(b, a);
        assertEquals(a.hashCode(), b.hashCode());
        assertEquals(0, a.compareTo(b));
        // Equal versions keep the spelling they were written with.
        assertEquals("1.0.0.Final", a.toString());
        assertEquals("1", b.toString());

        assertNotEquals(MavenVersion.parse("1.0"), MavenVersion.parse("1.0.1"));
        assertNotEquals(MavenVersion.parse("1.0"), "1.0");
        assertNotEquals(MavenVersion.parse("1.0"), null);

        MavenVersion c = MavenVersion.parse("1.0-rc-1");
        assertEquals(c, c);
        assertEquals(0, c.compareTo(c));
    }

    @Test
    void orderNotCanonicalTextDecidesEquality() {
        // Maven prints these pairs alike, yet orders them apart: a release qualifier at the
        // front of a list prints as nothing but still occupies its place, and ten zeros are a
        // bigger kind of number than one zero. Equality must follow the order.
        assertEquals(MavenVersion.parse("ga.1").canonical(), MavenVersion.parse("1").canonical());
        assertBefore("ga.1", "1");
        assertEquals(MavenVersion.parse("1-ga-1").canonical(), MavenVersion.parse("1-1").canonical());
        assertBefore("1-ga-1", "1-1");
        assertEquals("1.0.1", MavenVersion.parse("1.0000000000.1").canonical());
        assertBefore("1.5.1", "1.0000000000.1");
    }

    @Test
    void snapshotsAndReleases() {
        for (String v : List.of("1.0-SNAPSHOT", "1.0-snapshot", "2.0.0-alpha-1-SNAPSHOT", "1-SnapShot",
                "1.0-20240101.120000-1", "3.2.1-20231231.235959-42", "1.0-alpha-1-20240101.120000-7")) {
            MavenVersion parsed = MavenVersion.parse(v);
            assertTrue(parsed.isSnapshot(), v);
            assertFalse(parsed.isRelease(), v);
        }
        for (String v : List.of("1.0", "1.0-RC1", "4.2.20.Final", "20030203.000129", "1.0-SNAPSHOT-1",
                "SNAPSHOT-1.0", "1.0-20240101.1200-1", "1.0-20240101.120000-", "1.0-20240101.120000", "")) {
            MavenVersion parsed = MavenVersion.parse(v);
            assertFalse(parsed.isSnapshot(), v);
            assertTrue(parsed.isRelease(), v);
        }
    }

    @Test
    void parseAcceptsAnyString() {
        List<String> odd = new ArrayList<>(List.of(
                "", "-", ".", "..", "--", ".-.-", "1..2", "1--2", "-1", ".1", "1.", "1-", "abc", "ABC",
                "a", "1.0.", "  ", "1 0", "1_0", "1+build", "v1.0", "\u0663.\u0661", "\u0130", "\u00df",
                "\u2162", "\uD83D\uDE00", "1.\u0000.2", "0000000000000000000000000", "1.0\n"));
        odd.add("9".repeat(10_000));
        odd.add("1." + "0".repeat(5_000) + "1");
        odd.add("1-".repeat(20_000) + "1");
        odd.add("a1".repeat(20_000));
        for (String v : odd) {
            MavenVersion parsed = assertDoesNotThrow(() -> MavenVersion.parse(v), v);
            assertEquals(v, parsed.toString());
            assertEquals(0, parsed.compareTo(MavenVersion.parse(v)));
            assertDoesNotThrow(() -> parsed.compareTo(MavenVersion.parse("1.0")), v);
            assertDoesNotThrow(parsed::canonical, v);
            assertDoesNotThrow(parsed::isSnapshot, v);
        }
        assertThrows(NullPointerException.class, () -> MavenVersion.parse(null));
    }

    @Test
    void oddInputsStillOrderLikeMaven() {
        assertBefore("1.0", "9".repeat(10_000));
        assertBefore("9".repeat(10_000), "1" + "0".repeat(10_000));
        assertEquivalent("1." + "0".repeat(5_000) + "1", "1.1");
        // Non-ASCII digits count as digits, by value.
        assertEquivalent("\u0663.\u0661", "3.1");
        // Deeply nested versions still compare, innermost item deciding.
        assertBefore("1-".repeat(20_000) + "1", "1-".repeat(20_000) + "2");
        assertBefore("1", "1-".repeat(20_000) + "1");
    }

    @Test
    void preReleasesAreTheQualifiersBelowTheReleaseAndSnapshots() {
        // The policy compares a final release with the highest lower final release, so this decides what it skips.
        for (String v : List.of("1.0-alpha-1", "1.0-beta", "1.0-M2", "1.0.0-RC1", "2.0-cr-1", "1.0a1", "1.0-SNAPSHOT",
                "1.0-20240101.120000-3")) {
            assertTrue(MavenVersion.parse(v).isPreRelease(), v);
            assertTrue(MavenVersion.ORDER.preRelease(v), v);
        }
        for (String v : List.of("1.0", "1.0-GA", "1.0.Final", "32.1.2-jre", "1.0-sp1", "1.0-a", "2.17.0")) {
            assertFalse(MavenVersion.parse(v).isPreRelease(), v);
        }
    }

    private static void assertBefore(String lower, String higher) {
        MavenVersion low = MavenVersion.parse(lower);
        MavenVersion high = MavenVersion.parse(higher);
        assertTrue(low.compareTo(high) < 0, "expected " + lower + " < " + higher);
        assertTrue(high.compareTo(low) > 0, "expected " + higher + " > " + lower);
        assertTrue(MavenVersion.ORDER.compare(lower, higher) < 0, "expected " + lower + " < " + higher);
        assertNotEquals(low, high, lower + " vs " + higher);
    }

    private static void assertEquivalent(String a, String b) {
        MavenVersion va = MavenVersion.parse(a);
        MavenVersion vb = MavenVersion.parse(b);
        assertEquals(0, va.compareTo(vb), "expected " + a + " == " + b);
        assertEquals(0, MavenVersion.ORDER.compare(a, b), "expected " + a + " == " + b);
        assertEquals(va, vb, a + " vs " + b);
        assertEquals(va.hashCode(), vb.hashCode(), a + " vs " + b);
        assertEquals(va.canonical(), vb.canonical(), a + " vs " + b);
    }
}
