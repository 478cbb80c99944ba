package io.quiver.client.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ResultPrinterTest {
    @Test
    void intervalsPrintAsPostgresPrintsATimestampDifference() {
        assertEquals("00:00:00", ResultPrinter.interval(java.time.Duration.ZERO));
        assertEquals("1 day", ResultPrinter.interval(java.time.Duration.ofDays(1)));
        assertEquals("672 days 11:25:03.211", ResultPrinter.interval(java.time.Duration.parse("PT16139H25M3.211S")));
        assertEquals("-1 days -02:00:00", ResultPrinter.interval(java.time.Duration.ofHours(-26)));
        assertEquals("-00:00:00.000001", ResultPrinter.interval(java.time.Duration.ofNanos(-1000)));
        assertEquals("01:00:00.5", ResultPrinter.interval(java.time.Duration.ofMillis(3_600_500)));
    }

    @Test
    void doublesPrintWithoutAnExponentForEverydayMagnitudes() {
        assertEquals("1793577632.0", ResultPrinter.plain(Double.toString(1.793577632E9)));
        assertEquals("12345678.5", ResultPrinter.plain(Double.toString(12345678.5)));
        assertEquals("0.30000000000000004", ResultPrinter.plain(Double.toString(0.1 + 0.2)));
        assertEquals("5.0", ResultPrinter.plain(Double.toString(5.0)));
        assertEquals("-0.00001", ResultPrinter.plain(Double.toString(-1e-5)));
        assertEquals("1.0E-7", ResultPrinter.plain(Double.toString(1e-7)), "tiny values keep the exponent");
        assertEquals("1.0E16", ResultPrinter.plain(Double.toString(1e16)), "huge values keep the exponent");
        assertEquals("NaN", ResultPrinter.plain(Double.toString(Double.NaN)));
        assertEquals("16777216.0", ResultPrinter.plain(Float.toString(16777216f)));
        assertEquals(1.793577632E9, Double.parseDouble(ResultPrinter.plain(Double.toString(1.793577632E9))));
    }

    @Test
    void wideCharactersTakeTwoColumnsAndCombiningMarksNone() {
        assertEquals(2, ResultPrinter.displayWidth("DE"));
        assertEquals(4, ResultPrinter.displayWidth("日本"));
        assertEquals(4, ResultPrinter.displayWidth("한국"));
        assertEquals(2, ResultPrinter.displayWidth("e\u0301e"), "e + combining acute, e");
        assertEquals(3, ResultPrinter.displayWidth("ab😀".substring(1)), "an emoji is wide");
        assertEquals(6, ResultPrinter.displayWidth("ＡＢＣ"), "fullwidth Latin");
    }
}
