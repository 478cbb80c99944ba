package io.quiver.client.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts SQL text into statements at semicolons that are code, not text: a semicolon inside a string
 * literal ({@code 'a;b'}, with {@code ''} as the escaped quote), a quoted identifier, a {@code --}
 * line comment or a block comment does not end a statement. Fed line by line, so an interactive
 * shell knows when a statement is complete.
 */
final class StatementSplitter {
    private enum State { CODE, STRING, IDENTIFIER, LINE_COMMENT, BLOCK_COMMENT }

    private final StringBuilder pending = new StringBuilder();
    private State state = State.CODE;

    /** Adds one line (without its line break); returns the statements it completed, trimmed, empty ones dropped. */
    List<String> addLine(String line) {
        List<String> done = new ArrayList<>(1);
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            char next = i + 1 < line.length() ? line.charAt(i + 1) : '\0';
            switch (state) {
                case CODE -> {
                    if (c == ';') {
                        finish(done);
                        continue;
                    }
                    if (c == '\'') {
                        state = State.STRING;
                    } else if (c == '"') {
                        state = State.IDENTIFIER;
                    } else if (c == '-' && next == '-') {
                        state = State.LINE_COMMENT;
                    } else if (c == '/' && next == '*') {
                        state = State.BLOCK_COMMENT;
                        pending.append(c).append(next);
                        i++;
                        continue;
                    }
                }
                // a doubled quote inside text is an escaped quote: the state flips out and straight back in
                case STRING -> state = c == '\'' ? State.CODE : State.STRING;
                case IDENTIFIER -> state = c == '"' ? State.CODE : State.IDENTIFIER;
                case LINE_COMMENT -> {
                    // stays a comment to the end of the line; the comment text is not sent
                    continue;
                }
                case BLOCK_COMMENT -> {
                    if (c == '*' && next == '/') {
                        state = State.CODE;
                        pending.append(c).append(next);
                        i++;
                        continue;
                    }
                }
            }
            if (state != State.LINE_COMMENT) {
                pending.append(c);
            }
        }
        if (state == State.LINE_COMMENT) {
            state = State.CODE;
        }
        pending.append('\n');
        return done;
    }

    /** True while a statement has started but not ended (the shell shows its continuation prompt). */
    boolean inStatement() {
        return !pending.toString().isBlank();
    }

    /** What is left at the end of input: a last statement without its semicolon, or null. */
    String rest() {
        String s = pending.toString().strip();
        pending.setLength(0);
        state = State.CODE;
        return s.isEmpty() ? null : s;
    }

    private void finish(List<String> done) {
        String s = pending.toString().strip();
        pending.setLength(0);
        if (!s.isEmpty()) {
            done.add(s);
        }
    }
}
