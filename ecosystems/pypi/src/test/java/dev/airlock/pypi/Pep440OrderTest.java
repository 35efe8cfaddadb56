package dev.airlock.pypi;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** PEP 440 order and pre-releases, as pip's packaging has them: the policy's "previous version" of a PyPI release rests on it. */
class Pep440OrderTest {

    private static final Pep440Order ORDER = Pep440Order.INSTANCE;

    @Test
    void versionsSortAsPep440Says() {
        // The ordering example of PEP 440 ("Summary of permitted suffixes and relative ordering"), plus epochs and locals.
        List<String> ordered = List.of("not a version", "1.dev0", "1.0.dev456", "1.0a1", "1.0a2.dev456", "1.0a12.dev456", "1.0a12",
                "1.0b1.dev456", "1.0b2", "1.0b2.post345.dev456", "1.0b2.post345", "1.0rc1.dev456", "1.0rc1", "1.0", "1.0+abc.5",
                "1.0+abc.7", "1.0+5", "1.0.post456.dev34", "1.0.post456", "1.0.15", "1.1.dev1", "2!0.1");
        List<String> shuffled = new ArrayList<>(ordered);
        Collections.shuffle(shuffled, new java.util.Random(440));
        shuffled.sort(ORDER);
        assertEquals(ordered, shuffled);
    }

    @Test
    void spellingsAreReadAsTheirNormalForm() {
        assertEquals(0, ORDER.compare("1.0", "1.0.0"));
        assertEquals(0, ORDER.compare("1.0-ALPHA.1", "1.0a1"));
        assertEquals(0, ORDER.compare("1.0-1", "1.0.post1"));
        assertEquals(0, ORDER.compare("1.0.c1", "1.0rc1"));
        assertEquals(0, ORDER.compare("v1.0.dev", "1.0.dev0"));
        assertTrue(ORDER.compare("1.10", "1.9") > 0);
    }

    @Test
    void preAndDevelopmentReleasesArePreReleases() {
        for (String v : List.of("1.0a1", "1.0b2", "1.0rc1", "1.0.dev3", "1.0.post1.dev2", "2.0.0-preview.1")) {
            assertTrue(ORDER.preRelease(v), v);
        }
        for (String v : List.of("1.0", "1.0.post1", "1.0+local.1", "2!3.4", "not a version")) {
            assertFalse(ORDER.preRelease(v), v);
        }
    }
}
