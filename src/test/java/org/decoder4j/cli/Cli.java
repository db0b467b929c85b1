package org.decoder4j.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
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

    /** Runs {@code decoder4j args...}; Path arguments are written as their strings. */
    static Result run(Object... args) {
        List<String> strings = new ArrayList<>();
        for (Object a : args) {
            strings.add(a instanceof Path p ? p.toString() : String.valueOf(a));
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int exit = cmd.execute(strings.toArray(String[]::new));
        return new Result(exit, out.toString(), err.toString());
    }
}
