package dev.airlock.config;

import java.util.List;

/**
 * Who Airlock tells when a release is held, denied, released or rejected.
 *
 * @param webhooks the webhooks, in the order configured; unmodifiable, empty for none
 */
public record NotificationsConfig(List<WebhookConfig> webhooks) {

    private static final NotificationsConfig NONE = new NotificationsConfig(List.of());

    public NotificationsConfig {
        webhooks = List.copyOf(webhooks);
    }

    /** No webhooks: nothing is sent. */
    public static NotificationsConfig none() {
        return NONE;
    }
}
