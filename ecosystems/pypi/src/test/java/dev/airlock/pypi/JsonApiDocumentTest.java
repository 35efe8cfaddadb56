package dev.airlock.pypi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.airlock.core.ecosystem.RenderContext;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The PyPI JSON API document, as poetry reads it, with held releases. */
class JsonApiDocumentTest {

    private static final String DOC = "{\"info\":{\"name\":\"Demo\",\"version\":\"2.0\"},"
            + "\"urls\":[{\"filename\":\"demo-2.0-py3-none-any.whl\",\"url\":\"https://files.test/demo-2.0-py3-none-any.whl\"}],"
            + "\"releases\":{\"1.0\":[{\"filename\":\"demo-1.0-py3-none-any.whl\",\"url\":\"https://files.test/demo-1.0-py3-none-any.whl\"}],"
            + "\"2.0\":[{\"filename\":\"demo-2.0-py3-none-any.whl\",\"url\":\"https://files.test/demo-2.0-py3-none-any.whl\"}]}}";

    @Test
    void aHeldReleaseLeavesTheReleasesAndOffersNoFiles() throws Exception {
        byte[] raw = DOC.getBytes(StandardCharsets.UTF_8);
        JsonApiDocument d = JsonApiDocument.parse("demo", raw);
        JsonNode all = new ObjectMapper().readTree(d.render(raw, new RenderContext("http://a.test/pypi/", v -> true)).body());
        assertEquals("http://a.test/pypi/files/demo/demo-2.0-py3-none-any.whl", all.at("/urls/0/url").asText());
        JsonNode held = new ObjectMapper().readTree(d.render(raw, new RenderContext("http://a.test/pypi/", v -> !v.equals("2.0"))).body());
        assertEquals(0, held.get("urls").size(), held.toString());
        assertFalse(held.get("releases").has("2.0"));
        assertEquals("http://a.test/pypi/files/demo/demo-1.0-py3-none-any.whl", held.at("/releases/1.0/0/url").asText());
    }
}
