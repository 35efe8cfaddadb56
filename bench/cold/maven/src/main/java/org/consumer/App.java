package org.consumer;

public class App {
    public static String hi() throws Exception {
        String json = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(com.google.common.base.Strings.repeat("hi", 2));
        org.slf4j.LoggerFactory.getLogger(App.class).debug(json);
        return json;
    }
}
