package org.consumer;
public class App {
    public static String hi() {
        return com.google.common.base.Strings.repeat("hi", 2) + org.apache.commons.lang3.StringUtils.length("x");
    }
}
