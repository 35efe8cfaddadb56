package dev.airlock.core.admin;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** What the admin API answers: the HTTP layer writes it as it is. */
public record AdminResponse(int status, String contentType, byte[] body, Map<String, String> headers) {

    public static final String JSON = "application/json; charset=utf-8";

    public AdminResponse {
        headers = Map.copyOf(headers);
    }

    static AdminResponse json(int status, String json) {
        return new AdminResponse(status, JSON, (json + "\n").getBytes(StandardCharsets.UTF_8), Map.of());
    }
}
