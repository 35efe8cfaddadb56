package dev.airlock.core.admin;

import java.util.Map;

/**
 * An admin API call as the HTTP layer hands it over (no Netty types).
 *
 * @param path          the path below {@code /-/admin/api/}, without a leading slash
 * @param query         decoded query parameters (the first value of each)
 * @param authorization the Authorization header, or null
 */
public record AdminRequest(String method, String path, Map<String, String> query, String authorization, byte[] body) {

    public AdminRequest {
        query = Map.copyOf(query);
        body = body == null ? new byte[0] : body;
    }
}
