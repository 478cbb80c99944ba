package io.quiver.client.query;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The single-copy read is switched on when nobody chose, and a user's choice is kept. */
class FlightReadPathTest {
    private String saved;

    @BeforeEach
    void save() {
        saved = System.getProperty(FlightReadPath.ZERO_COPY_READ);
    }

    @AfterEach
    void restore() {
        if (saved == null) {
            System.clearProperty(FlightReadPath.ZERO_COPY_READ);
        } else {
            System.setProperty(FlightReadPath.ZERO_COPY_READ, saved);
        }
    }

    @Test
    void unsetTurnsOn() {
        System.clearProperty(FlightReadPath.ZERO_COPY_READ);
        assertTrue(FlightReadPath.useSingleCopyRead());
        assertEquals("true", System.getProperty(FlightReadPath.ZERO_COPY_READ));
    }

    @Test
    void aUsersFalseIsKept() {
        System.setProperty(FlightReadPath.ZERO_COPY_READ, "false");
        assertFalse(FlightReadPath.useSingleCopyRead());
        assertEquals("false", System.getProperty(FlightReadPath.ZERO_COPY_READ));
    }
}
