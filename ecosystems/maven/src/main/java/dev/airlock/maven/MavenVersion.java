package dev.airlock.maven;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import dev.airlock.core.ecosystem.VersionOrder;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A Maven version with Maven's own ordering: the rules of Maven 3.9's
 * {@code ComparableVersion}, which decide what {@code <latest>} and {@code <release>} in
 * maven-metadata.xml mean to clients. Any other order (semver, lexical) would make the proxy
 * advertise a different "newest" version than Maven itself resolves.
 *
 * <p>How a version is read. The lower-cased string is cut into items at '.', at '-' and
 * wherever digits turn into non-digits or back. Digit runs become numbers, everything else
 * becomes a qualifier. A '-' opens a nested list, so does a digit/non-digit transition; the
 * version is therefore a chain of lists, each nested as the last element of the one before:
 * "1.2-rc-3" is {@code [1, 2, [rc, [3]]]}. Trailing "null" items (0, and the release
 * qualifiers "", "ga", "final", "release") are dropped from every list, which is why "1.0",
 * "1.0.0", "1-0" and "1.ga" all equal "1".
 *
 * <p>This class keeps that chain as {@code levels}: level {@code i + 1} is the list nested at
 * the end of level {@code i}. Holding it flat rather than as a tree lets parsing, comparing and
 * printing run as loops, so a hostile string with thousands of '-' cannot overflow the stack.
 *
 * <p>Equality follows {@link #compareTo}, exactly as {@code ComparableVersion.equals} does.
 * It almost always coincides with equal {@link #canonical()} forms, but Maven's canonical
 * printing is lossy in two rare corners: a release qualifier at the start of a list prints as
 * nothing yet keeps its place ("ga.1" prints as "1", "1-ga-1" as "1-1", and both sort below
 * what they print as), and an all-zero number longer than nine digits prints as "0" but is a
 * bigger kind of number. There the ordering, not the printed form, decides.
 *
 * <p>It stays one class (over 400 lines) because parsing, normalising, printing and comparing all
 * walk the same private representation, the flat chain of {@code Num} and {@code Qualifier}
 * atoms, whose ranks and kinds encode {@code ComparableVersion}'s rules; splitting it would
 * expose that representation for no second user, and the parts only mean Maven's order together.
 */
public final class MavenVersion implements Comparable<MavenVersion> {

    /**
     * Version strings in Maven order, for picking the newest entry of a metadata listing; a
     * pre-release is what {@link #isPreRelease()} says.
     */
    public static final VersionOrder ORDER = new VersionOrder() {
        @Override
        public int compare(String a, String b) {
            return parsed(a).compareTo(parsed(b));
        }

        @Override
        public boolean preRelease(String version) {
            return parsed(version).isPreRelease();
        }
    };

    /**
     * Parsed versions, for {@link #ORDER}: the policy sorts a package's versions several times per
     * decision, and parsing dominated each comparison. Versions are immutable values.
     */
    private static final Cache<String, MavenVersion> PARSED = Caffeine.newBuilder().maximumSize(20_000).build();

    private static MavenVersion parsed(String version) {
        return PARSED.get(version, MavenVersion::parse);
    }

    /**
     * The file-name form a deployed snapshot takes ("1.0-20240101.120000-3"), which Maven treats
     * as a snapshot although the word SNAPSHOT no longer appears in it.
     */
    private static final Pattern TIMESTAMPED_SNAPSHOT = Pattern.compile(".*-\\d{8}\\.\\d{6}-\\d+");

    private static final String SNAPSHOT_SUFFIX = "-SNAPSHOT";

    /**
     * Known qualifiers from oldest to newest. The empty qualifier stands for a plain release;
     * "ga", "final" and "release" are read as it, and "cr" as "rc" (see {@link Qualifier#of}).
     */
    private static final List<String> KNOWN_QUALIFIERS =
            List.of("alpha", "beta", "milestone", "rc", "snapshot", "", "sp");

    /** Rank of the release qualifier: the rank a missing item is compared as. */
    private static final int RELEASE_RANK = KNOWN_QUALIFIERS.indexOf("");

    /** Rank shared by all unknown qualifiers, above every known one; ties break lexically. */
    private static final int UNKNOWN_RANK = KNOWN_QUALIFIERS.size();

    /** Numbers of up to this many digits are Maven's smallest number kind (it uses an int). */
    private static final int MAX_SMALL_DIGITS = 9;

    /** Numbers of up to this many digits are Maven's middle number kind (it uses a long). */
    private static final int MAX_MEDIUM_DIGITS = 18;

    private final String original;
    private final List<List<Atom>> levels;
    private final String canonical;

    private MavenVersion(String original, List<List<Atom>> levels) {
        this.original = original;
        this.levels = levels;
        this.canonical = print(levels);
    }

    /**
     * Reads any string as a Maven version. Maven accepts every string as a version (there is
     * no invalid one), so this never fails for a non-null argument.
     *
     * @throws NullPointerException if {@code version} is null
     */
    public static MavenVersion parse(String version) {
        Objects.requireNonNull(version, "version");
        List<List<Atom>> levels = new ArrayList<>();
        List<Atom> current = new ArrayList<>();
        levels.add(current);

        // Maven lower-cases the whole string before it looks at a single character.
        String v = version.toLowerCase(Locale.ENGLISH);
        // Whether the previous character was a digit. Like Maven, this is not reset by '.' or
        // '-', which only matters for whether a transition cuts an item: after a separator the
        // new item is still empty, so nothing is cut.
        boolean inDigits = false;
        int start = 0;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '.' || c == '-') {
                // An empty item ("1..2", "-1") counts as a zero.
                current.add(i == start ? Num.ZERO : item(inDigits, v.substring(start, i)));
                start = i + 1;
                if (c == '-') {
                    current = openLevel(levels);
                }
            } else if (Character.isDigit(c)) {
                if (!inDigits && i > start) {
                    // Letters followed by digits ("rc1"): the letters become a qualifier in a
                    // list of their own, so "1.0.rc1" reads like "1.0-rc-1", and the digits
                    // nest one level below the qualifier.
                    if (!current.isEmpty()) {
                        current = openLevel(levels);
                    }
                    current.add(Qualifier.of(v.substring(start, i), true));
                    start = i;
                    current = openLevel(levels);
                }
                inDigits = true;
            } else {
                if (inDigits && i > start) {
                    // Digits followed by letters ("1rc"): the letters nest below the number.
                    current.add(item(true, v.substring(start, i)));
                    start = i;
                    current = openLevel(levels);
                }
                inDigits = false;
            }
        }
        if (v.length() > start) {
            // A trailing word after other items ("1.foo") goes into a list of its own, which
            // makes "1.foo" the same version as "1-foo".
            if (!inDigits && !current.isEmpty()) {
                current = openLevel(levels);
            }
            current.add(item(inDigits, v.substring(start)));
        }
        normalize(levels);
        return new MavenVersion(version, levels);
    }

    /** Whether this is a snapshot: "-SNAPSHOT" at the end (any case), or the timestamped form. */
    public boolean isSnapshot() {
        int suffixStart = original.length() - SNAPSHOT_SUFFIX.length();
        return original.regionMatches(true, suffixStart, SNAPSHOT_SUFFIX, 0, SNAPSHOT_SUFFIX.length())
                || TIMESTAMPED_SNAPSHOT.matcher(original).matches();
    }

    /**
     * Whether this is a pre-release: a snapshot, or a version with a qualifier Maven orders before
     * the release it leads to (alpha, beta, milestone, rc or cr, and their "a1", "b1", "m1"
     * shorthands). Unknown words ("1.0-jre", "1.0-sp1") order after the release and are final.
     */
    public boolean isPreRelease() {
        if (isSnapshot()) {
            return true;
        }
        for (List<Atom> level : levels) {
            for (Atom a : level) {
                if (a instanceof Qualifier q && q.rank() < RELEASE_RANK) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether this may be the {@code <release>} of a metadata file: anything but a snapshot. */
    public boolean isRelease() {
        return !isSnapshot();
    }

    /**
     * The canonical form, as Maven prints it: trailing null items dropped, aliases resolved,
     * numbers without leading zeros, '.' between items of one list and '-' before a nested one
     * ("1.0" gives "1", "1.0-alpha-1" gives "1-alpha-1", "1.0RC1" gives "1-rc-1").
     */
    public String canonical() {
        return canonical;
    }

    @Override
    public int compareTo(MavenVersion o) {
        return compareLevels(levels, 0, o.levels, 0);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MavenVersion other && compareTo(other) == 0;
    }

    /**
     * Hashes the canonical form. Versions that compare equal have identical item chains, and
     * identical chains print identically, so this agrees with {@link #equals}.
     */
    @Override
    public int hashCode() {
        return canonical.hashCode();
    }

    /** The string this version was parsed from, unchanged. */
    @Override
    public String toString() {
        return original;
    }

    private static List<Atom> openLevel(List<List<Atom>> levels) {
        List<Atom> level = new ArrayList<>();
        levels.add(level);
        return level;
    }

    private static Atom item(boolean digits, String text) {
        return digits ? Num.of(text) : Qualifier.of(text, false);
    }

    /**
     * Drops trailing null items, innermost list first. A nested list that ends up empty is
     * dropped as well, and the null items in front of it can then go too, which is how
     * "1.0-0" becomes "1"; a non-empty nested list is kept, but null items just before it
     * still go, which is how "1.0-alpha" becomes "1-alpha".
     */
    private static void normalize(List<List<Atom>> levels) {
        for (int i = levels.size() - 1; i >= 0; i--) {
            // A level is an empty list only when it has no items and no nested list of its own,
            // that is when it is the last level; "1--1" keeps its item-less middle level.
            int last = levels.size() - 1;
            if (i + 1 == last && levels.get(last).isEmpty()) {
                levels.remove(last);
            }
            List<Atom> level = levels.get(i);
            while (!level.isEmpty() && level.get(level.size() - 1).isNull()) {
                level.remove(level.size() - 1);
            }
        }
    }

    /**
     * Prints the chain the way Maven does. A separator is written only once the list has
     * printed something, so an empty release qualifier at the front of a list leaves no mark.
     */
    private static String print(List<List<Atom>> levels) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < levels.size(); i++) {
            boolean printed = false;
            for (Atom atom : levels.get(i)) {
                String text = atom.toString();
                if (printed) {
                    out.append('.');
                }
                out.append(text);
                printed |= !text.isEmpty();
            }
            if (printed && i < levels.size() - 1) {
                out.append('-');
            }
        }
        return out.toString();
    }

    /**
     * Compares list {@code ia} of chain {@code a} with list {@code ib} of chain {@code b}, element
     * by element; a list that runs out is padded with nulls. The nested list is the last element
     * of its list, so a comparison that reaches it is decided inside it and the loop moves one
     * level down instead of recursing.
     */
    private static int compareLevels(List<List<Atom>> a, int ia, List<List<Atom>> b, int ib) {
        while (true) {
            List<Atom> la = a.get(ia);
            List<Atom> lb = b.get(ib);
            boolean nestedA = ia < a.size() - 1;
            boolean nestedB = ib < b.size() - 1;
            int lengthA = la.size() + (nestedA ? 1 : 0);
            int lengthB = lb.size() + (nestedB ? 1 : 0);
            int common = Math.min(lengthA, lengthB);
            for (int j = 0; j < common; j++) {
                boolean listA = j == la.size();
                boolean listB = j == lb.size();
                if (listA && listB) {
                    break;
                }
                int c;
                if (listA) {
                    c = -lb.get(j).compareToList();
                } else if (listB) {
                    c = la.get(j).compareToList();
                } else {
                    c = la.get(j).compareTo(lb.get(j));
                }
                if (c != 0) {
                    return c;
                }
            }
            if (lengthA == lengthB) {
                if (common == 0 || common - 1 < la.size()) {
                    // Both lists ended on an item (or were empty) and everything matched.
                    return 0;
                }
                // Both ended on their nested lists, which decide.
                ia++;
                ib++;
                continue;
            }
            // One list is longer: its remaining items are compared against nothing.
            return lengthA > lengthB
                    ? compareToNothing(a, ia, common)
                    : -compareToNothing(b, ib, common);
        }
    }

    /**
     * Compares the elements of list {@code level} from position {@code from} on against missing
     * elements: the first that is not null decides, and a nested list is walked the same way.
     */
    private static int compareToNothing(List<List<Atom>> chain, int level, int from) {
        int position = from;
        for (int i = level; i < chain.size(); i++) {
            List<Atom> items = chain.get(i);
            for (int j = position; j < items.size(); j++) {
                int c = items.get(j).compareToNothing();
                if (c != 0) {
                    return c;
                }
            }
            position = 0;
        }
        return 0;
    }

    /** A number or a qualifier: any element of a list other than the nested list. */
    private sealed interface Atom permits Num, Qualifier {

        /** Whether this item is dropped when it ends a list, and equals a missing item. */
        boolean isNull();

        /** Sign of the comparison with an item of the other version. */
        int compareTo(Atom other);

        /** Sign of the comparison with a nested list in the same position. */
        int compareToList();

        /** Sign of the comparison with a missing item (the other list was shorter). */
        default int compareToNothing() {
            return isNull() ? 0 : compareToNothingWhenNotNull();
        }

        int compareToNothingWhenNotNull();
    }

    /**
     * A number. Maven keeps numbers of up to 9, up to 18 and more digits (after stripping
     * leading zeros) as three different kinds and orders the kinds before the values. For
     * positive numbers that is plain numeric order, but an all-zero run longer than nine digits
     * is a bigger kind of zero, above every small number; {@code size} keeps that exact.
     *
     * @param digits the value in ASCII decimal without leading zeros ("0" for zero); kept as
     *     text because a version may carry a number of any length, and comparing text by
     *     length first stays linear where parsing a huge number would not
     */
    private record Num(int size, String digits) implements Atom {

        static final Num ZERO = new Num(0, "0");

        static Num of(String text) {
            // Maven strips only ASCII zeros, and keeps an all-zero run whole; the remaining
            // length picks the kind.
            int first = 0;
            while (first < text.length() && text.charAt(first) == '0') {
                first++;
            }
            int significant = first == text.length() ? text.length() : text.length() - first;
            int size = significant <= MAX_SMALL_DIGITS ? 0 : significant <= MAX_MEDIUM_DIGITS ? 1 : 2;
            // Character.isDigit admits every Unicode decimal digit and Maven reads each by its
            // value (an Arabic-Indic three is 3): spell it in ASCII, then drop every leading zero.
            StringBuilder ascii = new StringBuilder(text.length());
            for (int i = 0; i < text.length(); i++) {
                int d = Character.digit(text.charAt(i), 10);
                if (d != 0 || ascii.length() > 0) {
                    ascii.append((char) ('0' + d));
                }
            }
            return new Num(size, ascii.length() == 0 ? "0" : ascii.toString());
        }

        @Override
        public boolean isNull() {
            return digits.equals("0");
        }

        @Override
        public int compareTo(Atom other) {
            if (other instanceof Num n) {
                int c = Integer.compare(size, n.size);
                if (c == 0) {
                    c = Integer.compare(digits.length(), n.digits.length());
                }
                return c != 0 ? c : Integer.signum(digits.compareTo(n.digits));
            }
            // Any number is newer than any qualifier: "1-1" > "1-sp".
            return 1;
        }

        @Override
        public int compareToList() {
            // "1.1" (a number at this position) is newer than "1-1" (a nested list there).
            return 1;
        }

        @Override
        public int compareToNothingWhenNotNull() {
            return 1;
        }

        @Override
        public String toString() {
            return digits;
        }
    }

    /** A qualifier word, stored with its aliases resolved ("cr" as "rc", "ga" as ""). */
    private record Qualifier(String value) implements Atom {

        /**
         * @param followedByDigit whether digits come right after the word: only then do the
         *     one-letter shorthands apply ("1-a1" is alpha 1, but "1-a" is the unknown word "a")
         */
        static Qualifier of(String word, boolean followedByDigit) {
            String w = word;
            if (followedByDigit && w.length() == 1) {
                switch (w.charAt(0)) {
                    case 'a' -> w = "alpha";
                    case 'b' -> w = "beta";
                    case 'm' -> w = "milestone";
                    default -> { }
                }
            }
            return new Qualifier(switch (w) {
                case "ga", "final", "release" -> "";
                case "cr" -> "rc";
                default -> w;
            });
        }

        int rank() {
            int known = KNOWN_QUALIFIERS.indexOf(value);
            return known >= 0 ? known : UNKNOWN_RANK;
        }

        @Override
        public boolean isNull() {
            return rank() == RELEASE_RANK;
        }

        @Override
        public int compareTo(Atom other) {
            if (other instanceof Qualifier q) {
                int mine = rank();
                int theirs = q.rank();
                if (mine != theirs) {
                    return Integer.compare(mine, theirs);
                }
                // Known qualifiers of equal rank are the same word; unknown ones go by
                // their lower-cased text.
                return Integer.signum(value.compareTo(q.value));
            }
            return -1;
        }

        @Override
        public int compareToList() {
            // "1-sp" is older than "1-1": a word loses to a nested list in the same place.
            return -1;
        }

        @Override
        public int compareToNothingWhenNotNull() {
            // A missing item counts as a release: "1-rc" < "1" < "1-sp" < "1-foo".
            return Integer.compare(rank(), RELEASE_RANK);
        }

        @Override
        public String toString() {
            return value;
        }
    }
}
