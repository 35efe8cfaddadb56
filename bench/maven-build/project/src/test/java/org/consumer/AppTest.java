package org.consumer;
public class AppTest {
    @org.junit.Test public void hi() { org.junit.Assert.assertEquals("hihi1", App.hi()); }
}
