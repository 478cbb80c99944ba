package io.quiver.query.plan;

import io.quiver.query.ErrorCode;
import io.quiver.query.QueryException;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/** Parsing, formatting and calendar arithmetic of DATE (days) and TIMESTAMP (micros, UTC) values. */
public final class DateTimes {
    public static final long MICROS_PER_SECOND = 1_000_000L;
    public static final long MICROS_PER_MINUTE = 60 * MICROS_PER_SECOND;
    public static final long MICROS_PER_HOUR = 60 * MICROS_PER_MINUTE;
    public static final long MICROS_PER_DAY = 24 * MICROS_PER_HOUR;

    private DateTimes() {
    }

    /** {@code YYYY-MM-DD} (a time part is allowed and truncated, as PostgreSQL does). */
    public static long parseDate(String s) {
        String t = s.trim();
        try {
            if (t.length() > 10) {
                return Math.floorDiv(parseTimestamp(t), MICROS_PER_DAY);
            }
            return LocalDate.parse(t).toEpochDay();
        } catch (RuntimeException e) {
            throw new QueryException(ErrorCode.INVALID_VALUE, "invalid input syntax for type date [value=" + s + ']');
        }
    }

    /** {@code YYYY-MM-DD[( |T)HH:MM[:SS[.ffffff]]][Z|+00[:00]]}. */
    public static long parseTimestamp(String s) {
        String t = s.trim();
        try {
            if (t.endsWith("Z") || t.endsWith("z")) {
                t = t.substring(0, t.length() - 1);
            } else if (t.endsWith("+00:00") || t.endsWith("+00")) {
                t = t.substring(0, t.lastIndexOf('+'));
            }
            if (t.length() <= 10) {
                return LocalDate.parse(t).toEpochDay() * MICROS_PER_DAY;
            }
            LocalDate d = LocalDate.parse(t.substring(0, 10));
            char sep = t.charAt(10);
            if (sep != ' ' && sep != 'T') {
                throw new IllegalArgumentException();
            }
            String time = t.substring(11);
            String[] hms = time.split(":");
            int h = Integer.parseInt(hms[0]);
            int m = hms.length > 1 ? Integer.parseInt(hms[1]) : 0;
            long micros = 0;
            int sec = 0;
            if (hms.length > 2) {
                String secPart = hms[2];
                int dot = secPart.indexOf('.');
                if (dot >= 0) {
                    String frac = (secPart.substring(dot + 1) + "000000").substring(0, 6);
                    micros = Long.parseLong(frac);
                    secPart = secPart.substring(0, dot);
                }
                sec = Integer.parseInt(secPart);
            }
            if (h > 23 || m > 59 || sec > 59 || hms.length > 3) {
                throw new IllegalArgumentException();
            }
            return Math.addExact(Math.multiplyExact(d.toEpochDay(), MICROS_PER_DAY),
                    h * MICROS_PER_HOUR + m * MICROS_PER_MINUTE + sec * MICROS_PER_SECOND + micros);
        } catch (RuntimeException e) {
            throw new QueryException(ErrorCode.INVALID_VALUE, "invalid input syntax for type timestamp [value=" + s + ']');
        }
    }

    public static String formatDate(long days) {
        return LocalDate.ofEpochDay(days).toString();
    }

    /** PostgreSQL's text form: {@code 2026-11-23 10:15:00[.123456]}. */
    public static String formatTimestamp(long micros) {
        long secs = Math.floorDiv(micros, MICROS_PER_SECOND);
        int frac = (int) Math.floorMod(micros, MICROS_PER_SECOND);
        LocalDateTime t = LocalDateTime.ofEpochSecond(secs, 0, ZoneOffset.UTC);
        StringBuilder b = new StringBuilder(26);
        b.append(t.toLocalDate()).append(' ');
        pad2(b, t.getHour()).append(':');
        pad2(b, t.getMinute()).append(':');
        pad2(b, t.getSecond());
        appendFraction(b, frac);
        return b.toString();
    }

    /** {@code .ffffff} of a second's microseconds without trailing zeros; nothing for 0. */
    static void appendFraction(StringBuilder b, long micros) {
        if (micros != 0) {
            String f = Long.toString(1_000_000 + micros).substring(1);
            int end = f.length();
            while (f.charAt(end - 1) == '0') {
                end--;
            }
            b.append('.').append(f, 0, end);
        }
    }

    static StringBuilder pad2(StringBuilder b, long v) {
        if (v < 10) {
            b.append('0');
        }
        return b.append(v);
    }

    /**
     * Parses PostgreSQL interval text ({@code '1 day'}, {@code '2 hours 30 minutes'}, {@code '-1 week'},
     * {@code '1.5 hours'}, {@code '1 year 2 mons'}, {@code '01:30:00'}, {@code '3 days ago'}) into
     * {months, micros}; days count as 24 hours (timestamps are UTC). Returns null when it does not parse.
     */
    public static long[] parseInterval(String text) {
        String[] tok = text.trim().toLowerCase(java.util.Locale.ROOT).replace("@", " ").split("\\s+");
        long months = 0;
        long micros = 0;
        boolean ago = false;
        try {
            for (int i = 0; i < tok.length; i++) {
                String t = tok[i];
                if (t.isEmpty()) {
                    continue;
                }
                if (t.equals("ago") && i == tok.length - 1) {
                    ago = true;
                    continue;
                }
                if (t.indexOf(':') >= 0) {
                    boolean neg = t.startsWith("-");
                    String[] p = (neg || t.startsWith("+") ? t.substring(1) : t).split(":");
                    if (p.length < 2 || p.length > 3) {
                        return null;
                    }
                    long v = Long.parseLong(p[0]) * MICROS_PER_HOUR + Long.parseLong(p[1]) * MICROS_PER_MINUTE
                            + (p.length == 3 ? Math.round(Double.parseDouble(p[2]) * MICROS_PER_SECOND) : 0);
                    micros = Math.addExact(micros, neg ? -v : v);
                    continue;
                }
                // "<number> <unit>" or "<number><unit>"
                int split = 0;
                while (split < t.length() && (Character.isDigit(t.charAt(split)) || "+-.".indexOf(t.charAt(split)) >= 0)) {
                    split++;
                }
                String num = t.substring(0, split);
                String unit = split < t.length() ? t.substring(split) : (i + 1 < tok.length ? tok[++i] : "");
                double v = Double.parseDouble(num);
                switch (unit) {
                    case "microsecond", "microseconds", "us", "usec", "usecs" -> micros = Math.addExact(micros, Math.round(v));
                    case "millisecond", "milliseconds", "ms", "msec", "msecs" -> micros = Math.addExact(micros, Math.round(v * 1_000));
                    case "second", "seconds", "sec", "secs", "s" -> micros = Math.addExact(micros, Math.round(v * MICROS_PER_SECOND));
                    case "minute", "minutes", "min", "mins", "m" -> micros = Math.addExact(micros, Math.round(v * MICROS_PER_MINUTE));
                    case "hour", "hours", "hr", "hrs", "h" -> micros = Math.addExact(micros, Math.round(v * MICROS_PER_HOUR));
                    case "day", "days", "d" -> micros = Math.addExact(micros, Math.round(v * MICROS_PER_DAY));
                    case "week", "weeks", "w" -> micros = Math.addExact(micros, Math.round(v * 7 * MICROS_PER_DAY));
                    case "month", "months", "mon", "mons" -> {
                        long whole = (long) v;
                        months = Math.addExact(months, whole);
                        micros = Math.addExact(micros, Math.round((v - whole) * 30 * MICROS_PER_DAY)); // PostgreSQL: a month fraction is 30 days
                    }
                    case "year", "years", "yr", "yrs", "y" -> months = Math.addExact(months, Math.round(v * 12));
                    case "decade", "decades" -> months = Math.addExact(months, Math.round(v * 120));
                    case "century", "centuries" -> months = Math.addExact(months, Math.round(v * 1200));
                    default -> {
                        return null;
                    }
                }
            }
        } catch (NumberFormatException | ArithmeticException e) {
            return null;
        }
        return ago ? new long[]{-months, -micros} : new long[]{months, micros};
    }

    /** Adds months then micros to a timestamp, clamping the day of month as PostgreSQL does. */
    public static long addInterval(long micros, long months, long intervalMicros) {
        long r = micros;
        if (months != 0) {
            long day = Math.floorDiv(r, MICROS_PER_DAY);
            long inDay = Math.floorMod(r, MICROS_PER_DAY);
            LocalDate d = LocalDate.ofEpochDay(day).plusMonths(months);
            r = d.toEpochDay() * MICROS_PER_DAY + inDay;
        }
        return Math.addExact(r, intervalMicros);
    }

    /** date_trunc over micros. */
    public static long truncate(String unit, long micros) {
        switch (unit) {
            case "microsecond", "microseconds":
                return micros;
            case "millisecond", "milliseconds":
                return Math.floorDiv(micros, 1000L) * 1000L;
            case "second", "seconds":
                return Math.floorDiv(micros, MICROS_PER_SECOND) * MICROS_PER_SECOND;
            case "minute", "minutes":
                return Math.floorDiv(micros, MICROS_PER_MINUTE) * MICROS_PER_MINUTE;
            case "hour", "hours":
                return Math.floorDiv(micros, MICROS_PER_HOUR) * MICROS_PER_HOUR;
            case "day", "days":
                return Math.floorDiv(micros, MICROS_PER_DAY) * MICROS_PER_DAY;
            default:
                break;
        }
        LocalDate d = LocalDate.ofEpochDay(Math.floorDiv(micros, MICROS_PER_DAY));
        LocalDate t = switch (unit) {
            case "week", "weeks" -> d.minusDays(d.getDayOfWeek().getValue() - 1L);
            case "month", "months" -> d.withDayOfMonth(1);
            case "quarter", "quarters" -> LocalDate.of(d.getYear(), ((d.getMonthValue() - 1) / 3) * 3 + 1, 1);
            case "year", "years" -> LocalDate.of(d.getYear(), 1, 1);
            case "decade", "decades" -> LocalDate.of(Math.floorDiv(d.getYear(), 10) * 10, 1, 1);
            case "century", "centuries" -> LocalDate.of(Math.floorDiv(d.getYear() - 1, 100) * 100 + 1, 1, 1);
            case "millennium", "millennia" -> LocalDate.of(Math.floorDiv(d.getYear() - 1, 1000) * 1000 + 1, 1, 1);
            default -> throw new QueryException(ErrorCode.INVALID_VALUE, "unit not recognized by date_trunc [unit=" + unit + ']');
        };
        return t.toEpochDay() * MICROS_PER_DAY;
    }

    public static boolean isTruncUnit(String unit) {
        try {
            truncate(unit, 0);
            return true;
        } catch (QueryException e) {
            return false;
        }
    }

    /** extract(field from ts) as PostgreSQL returns it (here as double: seconds/epoch carry fractions). */
    public static double extract(String field, long micros) {
        long day = Math.floorDiv(micros, MICROS_PER_DAY);
        long inDay = Math.floorMod(micros, MICROS_PER_DAY);
        switch (field) {
            case "epoch":
                return micros / 1e6;
            case "hour":
                return inDay / MICROS_PER_HOUR;
            case "minute":
                return (inDay / MICROS_PER_MINUTE) % 60;
            case "second":
                return (inDay % MICROS_PER_MINUTE) / 1e6;
            case "millisecond", "milliseconds":
                return (inDay % MICROS_PER_MINUTE) / 1e3;
            case "microsecond", "microseconds":
                return inDay % MICROS_PER_MINUTE;
            default:
                break;
        }
        LocalDate d = LocalDate.ofEpochDay(day);
        return switch (field) {
            case "year" -> d.getYear();
            case "month" -> d.getMonthValue();
            case "day" -> d.getDayOfMonth();
            case "dow" -> d.getDayOfWeek().getValue() % 7;
            case "isodow" -> d.getDayOfWeek().getValue();
            case "doy" -> d.getDayOfYear();
            case "quarter" -> (d.getMonthValue() - 1) / 3 + 1;
            case "week" -> d.get(java.time.temporal.IsoFields.WEEK_OF_WEEK_BASED_YEAR);
            case "isoyear" -> d.get(java.time.temporal.IsoFields.WEEK_BASED_YEAR);
            case "decade" -> Math.floorDiv(d.getYear(), 10);
            case "century" -> d.getYear() > 0 ? (d.getYear() + 99) / 100 : -((-d.getYear() + 99) / 100);
            case "millennium" -> d.getYear() > 0 ? (d.getYear() + 999) / 1000 : -((-d.getYear() + 999) / 1000);
            default -> throw new QueryException(ErrorCode.INVALID_VALUE, "unit not recognized by extract [field=" + field + ']');
        };
    }

    public static boolean isExtractField(String field) {
        try {
            extract(field, 0);
            return true;
        } catch (QueryException e) {
            return false;
        }
    }

    /** Fields whose PostgreSQL result is integral; the others (epoch, second, millisecond) are fractional. */
    public static boolean isIntegralField(String field) {
        return !(field.equals("epoch") || field.equals("second") || field.startsWith("millisecond"));
    }
}
