package dev.airlock.core.ecosystem;

import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** A request's headers, looked up by case-insensitive name; a view, so no copy per request. */
@FunctionalInterface
public interface RequestHeaders {

    /** The header's value (the first, if repeated), or {@code null}. */
    String get(String name);

    /** Headers from a map (tests, tools); names are matched case-insensitively. */
    static RequestHeaders of(Map<String, String> headers) {
        Map<String, String> lower = headers.entrySet().stream()
                .collect(Collectors.toUnmodifiableMap(e -> e.getKey().toLowerCase(Locale.ROOT), Map.Entry::getValue));
        return name -> lower.get(name.toLowerCase(Locale.ROOT));
    }
}
