package dev.airlock.core.testing;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class InFlightTest {

    private record Span(long start, long end) {
    }

    private static int most(List<Span> spans) {
        return InFlight.mostAtOnce(spans, Span::start, Span::end);
    }

    @Test
    void countsOnlyRealOverlap() {
        assertEquals(1, most(List.of(new Span(0, 10), new Span(10, 20), new Span(20, 30))), "touching is not overlapping");
        assertEquals(3, most(List.of(new Span(0, 10), new Span(1, 11), new Span(2, 12))));
        assertEquals(0, most(List.of()));
    }
}
