package dev.airlock.pypi;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The simple-index HTML reader: the anchors and metas a tolerant reader finds, in one forward pass. */
class SimpleHtmlTest {

    @Test
    void anchorsAndMetasAsPep503PagesWriteThem() {
        String page = "<!DOCTYPE html><html><head><META name=\"pypi:repository-version\" content=\"1.0\"/></head><body>\n"
                + "<a href=\"../../files/a-1.0.whl#sha256=ab\" data-requires-python=\"&gt;=3.8\">a-1.0.whl</a>\n"
                + "<A HREF='b-2.0.tar.gz'>b-2.0<b>.tar.gz</b></A >\n"
                + "<area href=x>not an anchor</area><a\thref=c.whl>c.whl</a></body></html>";
        List<SimpleHtml.Anchor> anchors = SimpleHtml.anchors(page);
        assertEquals(3, anchors.size(), anchors.toString());
        assertEquals(Map.of("href", "../../files/a-1.0.whl#sha256=ab", "data-requires-python", ">=3.8"), anchors.get(0).attributes());
        assertEquals("a-1.0.whl", anchors.get(0).text());
        assertEquals("b-2.0.tar.gz", anchors.get(1).text());
        assertEquals("c.whl", anchors.get(2).attributes().get("href"));
        assertEquals(Map.of("pypi:repository-version", "1.0"), SimpleHtml.metas(page));
    }

    @Test
    void unclosedAnchorsAndTagsEndTheReadingInsteadOfRescanningThePage() {
        // 20,000 unclosed anchors (the shape that took a regular expression quadratic time): read in one pass, nothing found.
        String hostile = "<a href=x>".repeat(20_000);
        assertEquals(List.of(), SimpleHtml.anchors(hostile));
        assertEquals(List.of(), SimpleHtml.anchors("<a href=x".repeat(20_000)));
        assertEquals(Map.of(), SimpleHtml.metas("<meta name=a ".repeat(20_000)));
        // Closed anchors after unclosed ones are still found; the unclosed one's text runs to the first closing tag.
        List<SimpleHtml.Anchor> mixed = SimpleHtml.anchors("<a href=x>x <a href=y>y</a> <a href=z>z</a>");
        assertEquals(2, mixed.size());
        assertEquals("x", mixed.get(0).attributes().get("href"));
        assertEquals("z", mixed.get(1).attributes().get("href"));
    }
}
