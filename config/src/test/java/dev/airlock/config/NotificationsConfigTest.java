package dev.airlock.config;

import dev.airlock.config.WebhookConfig.EventType;
import dev.airlock.config.WebhookConfig.Format;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NotificationsConfigTest {

    private static final String SOURCE = "airlock.yaml";

    private static AirlockConfig parse(String yaml, Map<String, String> env) throws ConfigException {
        return ConfigLoader.parse(yaml, SOURCE, env);
    }

    private static ConfigException error(String yaml, Map<String, String> env) {
        return assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, SOURCE, env));
    }

    private static ConfigException error(String yaml) {
        return error(yaml, Map.of());
    }

    @Test
    void defaultsSendNothing() {
        // Rule: without configuration no webhook is called.
        assertEquals(List.of(), ConfigLoader.defaults().notifications().webhooks());
        assertEquals(NotificationsConfig.none(), ConfigLoader.defaults().notifications());
    }

    @Test
    void aWebhookWithOnlyAUrlIsJsonForEveryEventUnsigned() throws ConfigException {
        // Rule: format defaults to json, events to all four, secret to none.
        AirlockConfig config = parse("notifications:\n  webhooks:\n    - url: http://127.0.0.1:9000/hook\n", Map.of());
        WebhookConfig hook = config.notifications().webhooks().get(0);
        assertEquals(URI.create("http://127.0.0.1:9000/hook"), hook.url());
        assertEquals(Format.JSON, hook.format());
        assertEquals(EnumSet.allOf(EventType.class), hook.events());
        assertNull(hook.secret());
        assertTrue(hook.wants("held") && hook.wants("denied") && hook.wants("released") && hook.wants("rejected"));
        // The rest of the configuration keeps its defaults.
        assertEquals(ConfigLoader.defaults().policy(), config.policy());
    }

    @Test
    void everyKeyIsRead() throws ConfigException {
        // Rule: format, events and a secret from the environment are taken as written, in the order configured.
        AirlockConfig config = parse("""
                notifications:
                  webhooks:
                    - url: "${HOOK_URL}"
                      format: slack
                      events: [held, denied]
                    - url: https://siem.example.com/airlock?tenant=7
                      format: JSON
                      events: [released]
                      secret: "${HOOK_SECRET}"
                """, Map.of("HOOK_URL", "https://chat.example.com/services/T1/B2/abc", "HOOK_SECRET", "s3cret"));
        List<WebhookConfig> hooks = config.notifications().webhooks();
        assertEquals(2, hooks.size());
        assertEquals(URI.create("https://chat.example.com/services/T1/B2/abc"), hooks.get(0).url());
        assertEquals(Format.SLACK, hooks.get(0).format());
        assertEquals(Set.of(EventType.HELD, EventType.DENIED), hooks.get(0).events());
        assertFalse(hooks.get(0).wants("released"));
        assertEquals(URI.create("https://siem.example.com/airlock?tenant=7"), hooks.get(1).url());
        assertEquals(Format.JSON, hooks.get(1).format());
        assertEquals(Set.of(EventType.RELEASED), hooks.get(1).events());
        assertEquals("s3cret", hooks.get(1).secret());
    }

    @Test
    void aSecretWrittenOutIsUsedAsIs() throws ConfigException {
        // Rule: like other credentials, a secret not written as ${NAME} is the value itself.
        AirlockConfig config = parse("notifications:\n  webhooks:\n    - url: http://127.0.0.1/\n      secret: plain\n", Map.of());
        assertEquals("plain", config.notifications().webhooks().get(0).secret());
    }

    @Test
    void secretsAndUrlPathsNeverShowInText() throws ConfigException {
        // Rule: printing the configuration cannot leak the secret or a chat webhook URL's credential path.
        AirlockConfig config = parse("notifications:\n  webhooks:\n    - url: https://chat.example.com/services/T1/B2/tok3n\n"
                + "      secret: hunter2\n", Map.of());
        String text = config.toString();
        assertFalse(text.contains("hunter2"), text);
        assertFalse(text.contains("tok3n"), text);
        assertTrue(text.contains("https://chat.example.com/***"), text);
        // A secret the loader refuses is not echoed either.
        ConfigException e = error("notifications:\n  webhooks:\n    - url: http://127.0.0.1/\n      secret: [hunter2]\n");
        assertEquals("notifications.webhooks[0].secret", e.path());
        assertNull(e.value());
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    }

    @Test
    void badValuesNameTheirKeyPath() {
        // Rule: every mistake names the key path as the operator wrote it, the value and what is allowed.
        ConfigException format = error("notifications:\n  webhooks:\n    - url: http://127.0.0.1/\n      format: teams\n");
        assertEquals("notifications.webhooks[0].format", format.path());
        assertEquals("airlock.yaml: notifications.webhooks[0].format: not one of the allowed values: got 'teams'; allowed: json, slack",
                format.getMessage());

        ConfigException event = error("notifications:\n  webhooks:\n    - url: http://127.0.0.1/\n"
                + "    - url: http://127.0.0.1/\n      events: [held, published]\n");
        assertEquals("notifications.webhooks[1].events[1]", event.path());
        assertEquals("published", event.value());
        assertEquals("held, denied, released, rejected", event.allowed());

        ConfigException empty = error("notifications:\n  webhooks:\n    - url: http://127.0.0.1/\n      events: []\n");
        assertEquals("notifications.webhooks[0].events", empty.path());
        assertEquals("an empty list", empty.problem());

        ConfigException unknown = error("notifications:\n  webhooks:\n    - url: http://127.0.0.1/\n      header: x\n");
        assertEquals("notifications.webhooks[0].header", unknown.path());
        assertEquals("unknown key", unknown.problem());
        assertEquals("url, format, events, secret", unknown.allowed());

        ConfigException unknownSection = error("notifications:\n  email: [a@example.com]\n");
        assertEquals("notifications.email", unknownSection.path());
        assertEquals("webhooks", unknownSection.allowed());

        ConfigException notList = error("notifications:\n  webhooks: http://127.0.0.1/\n");
        assertEquals("notifications.webhooks", notList.path());
        assertEquals("not a list", notList.problem());

        ConfigException notMap = error("notifications:\n  webhooks:\n    - http://127.0.0.1/\n");
        assertEquals("notifications.webhooks[0]", notMap.path());
        assertEquals("not a map", notMap.problem());
    }

    @Test
    void theUrlIsRequiredAndMustBeHttp() {
        // Rule: a webhook needs an absolute http(s) URL with a host and no credentials in it.
        ConfigException missing = error("notifications:\n  webhooks:\n    - format: slack\n");
        assertEquals("notifications.webhooks[0].url", missing.path());
        assertEquals("missing", missing.problem());

        ConfigException scheme = error("notifications:\n  webhooks:\n    - url: ftp://127.0.0.1/hook\n");
        assertEquals("notifications.webhooks[0].url", scheme.path());
        assertEquals("not an http or https URL", scheme.problem());
        assertEquals("ftp://127.0.0.1/hook", scheme.value());

        ConfigException relative = error("notifications:\n  webhooks:\n    - url: /hook\n");
        assertEquals("not an http or https URL", relative.problem());

        ConfigException userInfo = error("notifications:\n  webhooks:\n    - url: https://u:p@example.com/hook\n");
        assertEquals("has a user name or password in it", userInfo.problem());

        ConfigException syntax = error("notifications:\n  webhooks:\n    - url: 'http://exa mple.com/'\n");
        assertEquals("not a URL", syntax.problem());

        ConfigException number = error("notifications:\n  webhooks:\n    - url: 8080\n");
        assertEquals("not a string", number.problem());
    }

    @Test
    void environmentReferencesMustResolve() {
        // Rule: ${NAME} must name a set, non-empty variable; the message shows the reference, never the value.
        ConfigException unset = error("notifications:\n  webhooks:\n    - url: \"${HOOK_URL}\"\n");
        assertEquals("notifications.webhooks[0].url", unset.path());
        assertEquals("environment variable HOOK_URL is not set", unset.problem());

        ConfigException badUrl = error("notifications:\n  webhooks:\n    - url: \"${HOOK_URL}\"\n",
                Map.of("HOOK_URL", "ftp://chat.example.com/services/secret-path"));
        assertEquals("not an http or https URL", badUrl.problem());
        assertEquals("${HOOK_URL}", badUrl.value());
        assertFalse(badUrl.getMessage().contains("secret-path"), badUrl.getMessage());

        ConfigException secret = error("notifications:\n  webhooks:\n    - url: http://127.0.0.1/\n      secret: \"${HOOK_SECRET}\"\n",
                Map.of("HOOK_SECRET", ""));
        assertEquals("notifications.webhooks[0].secret", secret.path());
        assertEquals("environment variable HOOK_SECRET is empty", secret.problem());
    }

    @Test
    void recordsBuiltInCodeObeyTheSameRules() {
        // Rule: a webhook built in code is checked like one read from a file, and a URL in the message hides its path.
        IllegalArgumentException scheme = assertThrows(IllegalArgumentException.class,
                () -> WebhookConfig.of(URI.create("file:///etc/passwd"), Format.JSON));
        assertTrue(scheme.getMessage().startsWith("url: not an http or https URL"), scheme.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new WebhookConfig(URI.create("http://127.0.0.1/"), Format.JSON, Set.of(), null));
        assertThrows(IllegalArgumentException.class,
                () -> new WebhookConfig(URI.create("http://127.0.0.1/"), Format.JSON, Set.of(EventType.HELD), ""));
        AirlockConfig config = ConfigLoader.defaults().withNotifications(
                new NotificationsConfig(List.of(WebhookConfig.of(URI.create("http://127.0.0.1/"), Format.SLACK))));
        assertEquals(1, config.notifications().webhooks().size());
        // The with… methods keep notifications.
        assertEquals(config.notifications(), config.withPort(1234).withOffline(true).notifications());
        // The constructor without notifications still works and means none.
        AirlockConfig old = new AirlockConfig(config.server(), config.storage(), false, config.upstreams(), config.cache(),
                config.airgap(), config.policy());
        assertEquals(NotificationsConfig.none(), old.notifications());
    }
}
