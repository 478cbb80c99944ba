package io.quiver.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Parses {@code --name=value}, {@code --name value} and bare {@code --flag} options. Every option a
 * command reads is marked used; {@link #rejectUnused()} turns a typo into an error instead of a
 * silently ignored setting. Sizes accept a k/m/g suffix ({@code 10m} = 10 000 000 rows).
 */
public final class Options {
    private final Map<String, String> values = new LinkedHashMap<>();
    private final Map<String, Boolean> used = new LinkedHashMap<>();

    private Options() {
    }

    public static Options parse(String[] args) {
        Options o = new Options();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || a.length() == 2) {
                throw new IllegalArgumentException("expected an option like --name=value, got '" + a + "'");
            }
            String body = a.substring(2);
            int eq = body.indexOf('=');
            if (eq >= 0) {
                o.put(body.substring(0, eq), body.substring(eq + 1));
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                o.put(body, args[++i]);
            } else {
                o.put(body, "true");
            }
        }
        return o;
    }

    private void put(String name, String value) {
        values.put(name, value);
        used.put(name, false);
    }

    public boolean has(String name) {
        used.computeIfPresent(name, (k, v) -> true);
        return values.containsKey(name);
    }

    public String string(String name, String fallback) {
        used.computeIfPresent(name, (k, v) -> true);
        return values.getOrDefault(name, fallback);
    }

    public boolean flag(String name) {
        return Boolean.parseBoolean(string(name, "false"));
    }

    public long size(String name, long fallback) {
        String v = string(name, null);
        return v == null ? fallback : parseSize(name, v);
    }

    public int intValue(String name, int fallback) {
        long v = size(name, fallback);
        if (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) {
            throw new IllegalArgumentException("--" + name + " is too large: " + v);
        }
        return (int) v;
    }

    public double doubleValue(String name, double fallback) {
        String v = string(name, null);
        try {
            return v == null ? fallback : Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " expects a number, got '" + v + "'");
        }
    }

    /** A comma-separated list. */
    public List<String> list(String name, String fallback) {
        String v = string(name, fallback);
        return v.isBlank() ? List.of() : Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** A comma-separated list of sizes. */
    public List<Integer> intList(String name, String fallback) {
        List<Integer> out = new ArrayList<>();
        for (String s : list(name, fallback)) {
            out.add((int) parseSize(name, s));
        }
        return out;
    }

    /** Fails on any option no getter asked for. */
    public void rejectUnused() {
        List<String> unknown = used.entrySet().stream().filter(e -> !e.getValue()).map(e -> "--" + e.getKey()).toList();
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown option(s): " + String.join(", ", unknown));
        }
    }

    static long parseSize(String name, String v) {
        String s = v.trim().toLowerCase(Locale.ROOT).replace("_", "");
        long mult = 1;
        if (s.endsWith("k")) {
            mult = 1_000;
        } else if (s.endsWith("m")) {
            mult = 1_000_000;
        } else if (s.endsWith("g")) {
            mult = 1_000_000_000;
        }
        if (mult != 1) {
            s = s.substring(0, s.length() - 1);
        }
        try {
            return Math.multiplyExact(Long.parseLong(s), mult);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("--" + name + " expects a count like 100, 10k, 5m; got '" + v + "'");
        }
    }
}
