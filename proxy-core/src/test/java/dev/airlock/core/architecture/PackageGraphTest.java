package dev.airlock.core.architecture;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The core's packages depend on each other without a cycle, and docs/ARCHITECTURE.md shows the
 * graph the code has: read from the sources (imports and qualified names), not from a list kept
 * by hand. The root package ({@code dev.airlock.core}, where {@code Airlock} wires everything)
 * may use every package and is used by none.
 */
class PackageGraphTest {

    private static final Path SOURCES = Path.of("src/main/java/dev/airlock/core");
    private static final Path DOC = Path.of("../docs/ARCHITECTURE.md");
    private static final Pattern REFERENCE = Pattern.compile("\\bdev\\.airlock\\.core\\.([a-z]+(?:\\.[a-z]+)*)\\.[A-Z]");
    /** A line of the document's graph: "- `policy` → `ecosystem`, `metrics`, `store`". */
    private static final Pattern DOC_EDGE = Pattern.compile("^- `([a-z.]+)` →\\s*(.*)$");

    /** Package (relative to dev.airlock.core) to the packages it refers to. */
    static Map<String, Set<String>> graph() throws IOException {
        Map<String, Set<String>> graph = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Path dir = SOURCES.relativize(f.getParent());
                if (dir.toString().isEmpty()) {
                    continue; // the root: the wiring
                }
                String pkg = dir.toString().replace('/', '.');
                Set<String> deps = graph.computeIfAbsent(pkg, k -> new TreeSet<>());
                Matcher m = REFERENCE.matcher(Files.readString(f));
                while (m.find()) {
                    if (!m.group(1).equals(pkg)) {
                        deps.add(m.group(1));
                    }
                }
            }
        }
        return graph;
    }

    @Test
    void noPackageOfTheCoreDependsOnItselfThroughOthers() throws IOException {
        Map<String, Set<String>> graph = graph();
        assertTrue(graph.size() > 10, "the sources were found: " + graph.keySet());
        List<String> cycle = cycle(graph);
        assertEquals(List.of(), cycle, "a cycle between the core's packages");
    }

    @Test
    void theRootPackageIsUsedByNone() throws IOException {
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java") && !p.getParent().equals(SOURCES)).toList()) {
                String text = Files.readString(f);
                assertTrue(!text.contains("import dev.airlock.core.Airlock;") && !text.contains("dev.airlock.core.Airlock."),
                        f + " reaches back into the wiring");
            }
        }
    }

    @Test
    void theArchitectureDocumentShowsTheGraphTheCodeHas() throws IOException {
        Map<String, Set<String>> documented = new TreeMap<>();
        for (String line : Files.readAllLines(DOC)) {
            Matcher m = DOC_EDGE.matcher(line.strip());
            if (m.matches()) {
                Set<String> deps = new TreeSet<>();
                Matcher names = Pattern.compile("`([a-z.]+)`").matcher(m.group(2));
                while (names.find()) {
                    deps.add(names.group(1));
                }
                documented.put(m.group(1), deps);
            }
        }
        assertEquals(graph(), documented, "docs/ARCHITECTURE.md's package graph differs from the code's; update the document");
    }

    /** A cycle as the packages along it, or empty. */
    static List<String> cycle(Map<String, Set<String>> graph) {
        Map<String, Integer> state = new TreeMap<>();
        List<String> path = new ArrayList<>();
        for (String start : graph.keySet()) {
            List<String> found = visit(start, graph, state, path);
            if (!found.isEmpty()) {
                return found;
            }
        }
        return List.of();
    }

    private static List<String> visit(String node, Map<String, Set<String>> graph, Map<String, Integer> state, List<String> path) {
        Integer s = state.get(node);
        if (s != null && s == 2) {
            return List.of();
        }
        if (s != null && s == 1) {
            List<String> cycle = new ArrayList<>(path.subList(path.indexOf(node), path.size()));
            cycle.add(node);
            return cycle;
        }
        state.put(node, 1);
        path.add(node);
        for (String next : graph.getOrDefault(node, Set.of())) {
            List<String> found = visit(next, graph, state, path);
            if (!found.isEmpty()) {
                return found;
            }
        }
        path.remove(path.size() - 1);
        state.put(node, 2);
        return List.of();
    }

    @Test
    void theCycleFinderFindsOne() {
        // The check itself can fail: a graph with a loop is reported with its packages.
        Map<String, Set<String>> loop = Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"));
        assertEquals(List.of("a", "b", "c", "a"), cycle(new TreeMap<>(loop)));
        assertEquals(List.of(), cycle(new TreeMap<>(Map.of("a", Set.of("b"), "b", Set.of()))));
    }
}
