package io.quiver.client.cli;

import io.quiver.client.QuiverException;
import io.quiver.client.query.QueryClient;
import io.quiver.client.query.StatementResult;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ops/quiver-sql}: a SQL shell over Flight SQL. Runs the statements of {@code -c}, of a
 * file, or of standard input (with prompts when a terminal is attached), prints query results as
 * an aligned table, CSV or NDJSON, and the row count of updates. In a script the first failing
 * statement stops the run with exit status 1; at the prompt it is reported and the shell goes on.
 */
public final class SqlShell {
    static final String USAGE = """
            usage: quiver-sql [options] [-c SQL | -f FILE]
              --host=HOST        server address (default 127.0.0.1)
              --port=PORT        the server's Flight SQL port (default 9402)
              --token=TOKEN      API token (default: the QUIVER_TOKEN environment variable)
              --format=FORMAT    table (default), csv or json (one object per line)
              --max-rows=N       rows a table shows before it stops reading (default 1000; csv and json print all)
              -c SQL             run these statements (separated by ;) and exit
              -f FILE            run the statements of FILE and exit
            Without -c or -f statements come from standard input; at a terminal end each with ';'.
            Shortcuts at the start of a statement: \\dt (SHOW TABLES), \\d NAME (DESCRIBE NAME), \\q (quit).
            """;

    private final PrintStream out;
    private final PrintStream err;
    private String host = "127.0.0.1";
    private int port = 9402;
    private String token;
    private ResultPrinter.Format format = ResultPrinter.Format.TABLE;
    private long maxRows = 1000;
    private String command;
    private Path file;

    private SqlShell(PrintStream out, PrintStream err, Map<String, String> env) {
        this.out = out;
        this.err = err;
        this.token = env.get("QUIVER_TOKEN");
    }

    public static void main(String[] args) {
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
        int status = run(args, System.in, System.console() != null, out, err, System.getenv());
        out.flush();
        System.exit(status);
    }

    /** Runs the shell; returns its exit status (0 ok, 1 a statement or the connection failed, 2 bad usage). */
    public static int run(String[] args, InputStream in, boolean interactive, PrintStream out, PrintStream err, Map<String, String> env) {
        SqlShell shell = new SqlShell(out, err, env);
        String usageError = shell.parse(args);
        if (usageError != null) {
            if (!usageError.isEmpty()) {
                err.println("quiver-sql: " + usageError);
            }
            err.print(USAGE);
            return usageError.isEmpty() ? 0 : 2;
        }
        Reader source;
        try {
            if (shell.command != null) {
                source = new StringReader(shell.command);
                interactive = false;
            } else if (shell.file != null) {
                source = Files.newBufferedReader(shell.file, StandardCharsets.UTF_8);
                interactive = false;
            } else {
                source = new InputStreamReader(in, StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            err.println("quiver-sql: cannot read " + shell.file + ": " + e.getMessage());
            return 2;
        }
        try (QueryClient client = new QueryClient(shell.host, shell.port, shell.token);
             BufferedReader lines = new BufferedReader(source)) {
            return shell.loop(client, lines, interactive);
        } catch (IOException e) {
            err.println("quiver-sql: reading statements failed: " + e.getMessage());
            return 1;
        }
    }

    private static final java.util.Set<String> VALUED_OPTIONS = java.util.Set.of("host", "port", "token", "format", "max-rows");

    /** Null when the arguments are good, "" for --help, else what is wrong with them. */
    private String parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                return "";
            }
            if (a.equals("-c") || a.equals("-f")) {
                if (i + 1 == args.length) {
                    return a + " needs a value";
                }
                String v = args[++i];
                if (a.equals("-c")) {
                    command = v;
                } else {
                    file = Path.of(v);
                }
                continue;
            }
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq < 0 && VALUED_OPTIONS.contains(a.substring(2))) {
                if (i + 1 == args.length) {
                    return a + " needs a value";
                }
                a = a + '=' + args[++i]; // --port 9402 means --port=9402
                eq = a.indexOf('=');
            }
            if (!a.startsWith("--") || eq < 0) {
                return "unknown argument [argument=" + a + ']';
            }
            String key = a.substring(2, eq);
            String value = a.substring(eq + 1);
            switch (key) {
                case "host" -> host = value;
                case "port" -> {
                    try {
                        port = Integer.parseInt(value);
                    } catch (NumberFormatException e) {
                        port = -1;
                    }
                    if (port < 1 || port > 65535) {
                        return "--port must be a port number 1-65535 [value=" + value + ']';
                    }
                }
                case "token" -> token = value;
                case "format" -> {
                    try {
                        format = ResultPrinter.Format.valueOf(value.toUpperCase(Locale.ROOT));
                    } catch (IllegalArgumentException e) {
                        return "--format must be table, csv or json [value=" + value + ']';
                    }
                }
                case "max-rows" -> {
                    try {
                        maxRows = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        maxRows = 0;
                    }
                    if (maxRows < 1) {
                        return "--max-rows must be a positive number [value=" + value + ']';
                    }
                }
                case "command" -> command = value;
                case "file" -> file = Path.of(value);
                default -> {
                    return "unknown option [option=--" + key + ']';
                }
            }
        }
        if (command != null && file != null) {
            return "-c and -f cannot be used together";
        }
        return null;
    }

    private int loop(QueryClient client, BufferedReader lines, boolean interactive) throws IOException {
        StatementSplitter splitter = new StatementSplitter();
        while (true) {
            if (interactive) {
                out.print(splitter.inStatement() ? "     -> " : "quiver> ");
                out.flush();
            }
            String line = lines.readLine();
            if (line == null) {
                String last = splitter.rest();
                return last == null || runOne(client, last, interactive) || interactive ? 0 : 1;
            }
            if (!splitter.inStatement()) {
                String shortcut = line.strip();
                if (shortcut.equals("\\q") || (interactive && (shortcut.equalsIgnoreCase("quit") || shortcut.equalsIgnoreCase("exit")))) {
                    return 0;
                }
                String expanded = shortcut(shortcut);
                if (expanded != null) {
                    if (!runOne(client, expanded, interactive) && !interactive) {
                        return 1;
                    }
                    continue;
                }
            }
            for (String statement : splitter.addLine(line)) {
                if (!runOne(client, statement, interactive) && !interactive) {
                    return 1;
                }
            }
        }
    }

    private static String shortcut(String line) {
        if (line.equals("\\dt")) {
            return "SHOW TABLES";
        }
        if (line.startsWith("\\d ") && !line.substring(3).isBlank()) {
            return "DESCRIBE " + line.substring(3).strip();
        }
        return null;
    }

    /** Runs one statement and prints its outcome; false when it failed. */
    private boolean runOne(QueryClient client, String sql, boolean interactive) {
        long start = System.nanoTime();
        try {
            StatementResult result = client.run(sql);
            switch (result) {
                case StatementResult.Updated u -> status(u.rowCount() == 1 ? "OK, 1 row" : "OK, " + u.rowCount() + " rows", start);
                case StatementResult.Rows r -> {
                    ResultPrinter.Printed printed;
                    try (var stream = r.stream()) {
                        printed = new ResultPrinter(format, maxRows).print(stream, out);
                    }
                    String rows = printed.rows() == 1 ? "1 row" : printed.rows() + " rows";
                    status(printed.truncated() ? "first " + rows + " shown, more not read (--max-rows, or --format=csv for all)" : rows, start);
                }
            }
            out.flush();
            return true;
        } catch (QuiverException e) {
            out.flush();
            String message = e.getMessage();
            if ("UNAVAILABLE".equals(e.code())) {
                message = "cannot reach a Quiver Flight SQL port at " + host + ':' + port + " (is the server running? --host, --port): "
                        + message + rootCause(e);
            }
            err.println("ERROR [" + e.code() + "]: " + message);
            if (!interactive) {
                err.println("in statement: " + oneLine(sql));
            }
            return false;
        }
    }

    /** A table's footer goes with the table; with csv or json, stdout carries only data, so it goes to stderr. */
    private void status(String text, long startNanos) {
        String line = '(' + text + String.format(Locale.ROOT, ", %.1f ms)", (System.nanoTime() - startNanos) / 1e6);
        (format == ResultPrinter.Format.TABLE ? out : err).println(line);
    }

    private static String rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t == e || t.getMessage() == null ? "" : " (" + t.getMessage() + ')';
    }

    private static String oneLine(String sql) {
        String s = sql.replaceAll("\\s+", " ");
        return s.length() <= 200 ? s : s.substring(0, 199) + "…";
    }
}
