package org.decoder4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** Runs the command line in this JVM and captures what it prints. */
final class Cli {

    /** Exit status, standard output and standard error of one run. */
    record Result(int exit, String out, String err) {

        /** The error output as lines, for the one-line rule. */
        List<String> errLines() {
            return err.lines().filter(l -> !l.isBlank()).toList();
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- out\n" + out + "--- err\n" + err;
        }
    }

    private Cli() {
    }

    /**
     * Writes a tiny two-speaker play into {@code dir} and runs {@code prepare} on it; returns the
     * prepared data directory ({@code dir/data}).
     */
    static Path preparedPlay(Path dir) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            sb.append("ROMEO:\nO sweet love, the night is young.\n\nJULIET:\nAnd yet the morning comes.\n\n");
        }
        Path text = Files.writeString(dir.resolve("play.txt"), sb);
        Path data = dir.resolve("data");
        Result prepared = run("prepare", "--input", text, "--out", data);
        if (prepared.exit() != 0) {
            throw new IllegalStateException("prepare failed: " + prepared);
        }
        return data;
    }

    /** Runs {@code decoder4j args...}; Path arguments are written as their strings. */
    static Result run(Object... args) {
        return runWithEnvironment(System.getenv(), args);
    }

    /** Like {@link #run}, with {@code environment} as the command line's environment variables. */
    static Result runWithEnvironment(java.util.Map<String, String> environment, Object... args) {
        List<String> strings = new ArrayList<>();
        for (Object a : args) {
            strings.add(a instanceof Path p ? p.toString() : String.valueOf(a));
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = Main.commandLine(environment);
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int exit = cmd.execute(strings.toArray(String[]::new));
        return new Result(exit, out.toString(), err.toString());
    }
}
