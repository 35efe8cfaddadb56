package org.consumer;

public class AppTest {
    @org.junit.Test public void hi() throws Exception { org.junit.Assert.assertEquals("\"hihi\"", App.hi()); }
}
