package org.decoder4j.cli;

import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/** Turns an exception into the one line the command line prints for it. */
final class ErrorMessages {

    private ErrorMessages() {
    }

    /**
     * The message of an expected failure (bad file, bad data, bad value) as it is; anything else
     * is reported as an internal error with its type, since its message alone would not explain it.
     */
    static String describe(Throwable e) {
        if (e instanceof FileSystemException f) {
            return oneLine(fileProblem(f));
        }
        if (e instanceof UncheckedIOException u && u.getCause() != null) {
            String cause = describe(u.getCause());
            // A wrapper that already quotes its cause's message says it once.
            return message(u).contains(message(u.getCause())) ? oneLine(message(u)) : oneLine(message(u) + ": " + cause);
        }
        if (e instanceof java.io.IOException
                || e instanceof IllegalArgumentException
                || e instanceof IllegalStateException
                || e instanceof UnsupportedOperationException) {
            return oneLine(message(e));
        }
        return oneLine("internal error: " + e + " (run with --verbose for the stack trace)");
    }

    private static String fileProblem(FileSystemException f) {
        if (f.getReason() != null) {
            return f.getMessage();
        }
        String what;
        if (f instanceof NoSuchFileException) {
            what = "not found";
        } else if (f instanceof AccessDeniedException) {
            what = "permission denied";
        } else if (f instanceof FileAlreadyExistsException) {
            what = "already exists";
        } else if (f instanceof NotDirectoryException) {
            what = "not a directory";
        } else {
            what = f.getClass().getSimpleName();
        }
        return f.getFile() + ": " + what;
    }

    private static String message(Throwable e) {
        return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** Line breaks and the spaces around them become a single space. */
    static String oneLine(String s) {
        return s.replaceAll("\\s*\\R\\s*", " ").trim();
    }
}
