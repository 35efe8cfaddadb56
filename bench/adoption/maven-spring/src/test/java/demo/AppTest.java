package demo;
class AppTest { @org.junit.jupiter.api.Test void ok() { org.junit.jupiter.api.Assertions.assertTrue(true); } }
